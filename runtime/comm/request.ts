// MPI requests (MPI-4 §3.7): the handle of a nonblocking operation. wait() blocks until it completes,
// test() polls, cancel() withdraws an unmatched receive; waitall/waitany/testall/testany/waitsome/testsome
// act on lists. A request that failed rethrows its error from wait()/test().
import { Status } from "./status.ts";
import { UNDEFINED } from "../constants.ts";
import { blocking } from "../trace/activity.ts";
import { requestCompleted, requestCreated } from "../trace/leftovers.ts";

export class Request {
  private settled = false;
  private value: unknown = undefined;
  private error: unknown = undefined;
  private readonly status = new Status();
  private readonly promise: Promise<void>;
  /** Set for requests that can be cancelled (receives not yet matched). */
  private canceller: (() => boolean) | null = null;
  /** A human description of the operation, e.g. "irecv(source=1, tag=0)". */
  readonly description: string;
  /** World ranks that can complete this request, for diagnostics. */
  readonly waitsFor?: number[];
  /** The persistent-request restart hook, when this is a persistent request. */
  protected restart: (() => Request) | null = null;

  constructor(
    start: (status: Status) => Promise<unknown>,
    description: string,
    waitsFor?: number[],
  ) {
    this.description = description;
    this.waitsFor = waitsFor;
    requestCreated(this, description);
    this.promise = start(this.status).then(
      (v) => {
        this.value = v;
        this.settled = true;
      },
      (e) => {
        this.error = e;
        this.settled = true;
      },
    );
  }

  /** A request that is already complete (PROC_NULL operations). */
  static completed(value: unknown, fill?: (s: Status) => void): Request {
    return new Request((s) => (fill?.(s), Promise.resolve(value)), "completed");
  }

  get done(): boolean {
    return this.settled;
  }

  setCanceller(cancel: () => boolean): void {
    this.canceller = cancel;
  }

  /** Waits for completion; returns the received value (receives) or undefined (sends). */
  async wait<T = unknown>(status?: Status): Promise<T> {
    if (!this.settled) await blocking(this.promise, () => `wait(${this.description})`, undefined, this.waitsFor);
    return this.result(status) as T;
  }

  /** Polls: { done: false } or { done: true, value }. */
  test(status?: Status): { done: boolean; value?: unknown } {
    if (!this.settled) return { done: false };
    return { done: true, value: this.result(status) };
  }

  /** Cancels a receive that has not matched yet (MPI_Cancel); wait() then reports status.cancelled. */
  cancel(): void {
    if (this.settled || !this.canceller) return;
    if (this.canceller()) this.status.cancelled = true;
  }

  /** Internal: completes a cancelled receive. */
  markCancelled(): void {
    this.status.cancelled = true;
  }

  /** Resolves when the request settles, without rethrowing (for waitany). */
  settledPromise(): Promise<void> {
    return this.promise;
  }

  private result(status?: Status): unknown {
    requestCompleted(this);
    if (status) status.assign(this.status);
    if (this.error !== undefined) throw this.error;
    return this.value;
  }
}

/** What the list operations need of a request (Request, persistent requests, collective requests). */
export interface Waitable {
  readonly done: boolean;
  readonly description: string;
  readonly waitsFor?: number[];
  /** False for a persistent request between rounds (MPI's inactive request): the list operations skip it. */
  readonly active?: boolean;
  test(status?: Status): { done: boolean; value?: unknown };
  settledPromise(): Promise<void>;
  /** Persistent requests: the round just returned by a list operation is over (the request becomes inactive). */
  deactivate?(): void;
}

type MaybeRequest = Waitable | null | undefined;

/** A slot the list operations consider: neither null (MPI_REQUEST_NULL) nor an inactive persistent request. */
function live(r: MaybeRequest): r is Waitable {
  return !!r && r.active !== false;
}

/**
 * Takes the result of the completed request in slot i and retires the slot as MPI does: the caller's entry
 * becomes null (mpi4py's REQUEST_NULL), a persistent request becomes inactive; it is never returned again.
 */
function retire(requests: MaybeRequest[], i: number, status?: Status): unknown {
  const r = requests[i]!;
  const value = r.test(status).value;
  if (r.deactivate) r.deactivate();
  else requests[i] = null;
  return value;
}

/** The world ranks that can complete any of `requests`; undefined (anyone) if one of them does not say. */
function waitsForAll(requests: Waitable[]): number[] | undefined {
  if (requests.some((r) => !r.waitsFor)) return undefined;
  return [...new Set(requests.flatMap((r) => r.waitsFor!))];
}

/** Waits for all requests; returns their values in order (MPI_Waitall). */
export async function waitall(requests: MaybeRequest[], statuses?: Status[]): Promise<unknown[]> {
  const pending = requests.filter((r): r is Waitable => live(r) && !r.done);
  if (pending.length) {
    const all = Promise.all(pending.map((r) => r.settledPromise()));
    await blocking(all, () => `waitall(${pending.length} of ${requests.length} requests pending: ${pending.slice(0, 3).map((r) => r.description).join(", ")})`, undefined, waitsForAll(pending));
  }
  return requests.map((r, i) => (live(r) ? r.test(statuses?.[i]).value : undefined));
}

/**
 * Waits for any one request (MPI_Waitany); returns [index, value] and sets that slot to null. Null slots are
 * ignored; when every slot is null (or the list is empty): [UNDEFINED, undefined].
 */
export async function waitany(requests: MaybeRequest[], status?: Status): Promise<[number, unknown]> {
  const candidates = requests.map((r, i) => [r, i] as const).filter(([r]) => live(r)) as [Waitable, number][];
  if (!candidates.length) return [UNDEFINED, undefined];
  const ready = candidates.find(([r]) => r.done);
  if (ready) return [ready[1], retire(requests, ready[1], status)];
  const index = await blocking(
    Promise.race(candidates.map(([r, i]) => r.settledPromise().then(() => i))),
    () => `waitany(${candidates.length} requests: ${candidates.slice(0, 3).map(([r]) => r.description).join(", ")})`,
    undefined,
    waitsForAll(candidates.map(([r]) => r)),
  );
  return [index, retire(requests, index, status)];
}

/** What waitsome/testsome give: the completed requests, or, when every slot is null, nothing to wait for. */
export type SomeCompleted = { indices: number[]; values: unknown[] } | { indices: undefined; values: undefined };

/**
 * Waits until at least one completes (MPI_Waitsome); returns the indices and values of all completed and sets
 * their slots to null. When every slot is null: { indices: undefined, values: undefined } (MPI's outcount
 * UNDEFINED, mpi4py's None), unlike { indices: [] } from testsome for "active, none complete yet".
 */
export async function waitsome(requests: MaybeRequest[]): Promise<SomeCompleted> {
  const candidates = requests.filter(live);
  if (candidates.length && !candidates.some((r) => r.done)) {
    await blocking(
      Promise.race(candidates.map((r) => r.settledPromise())),
      () => `waitsome(${candidates.length} requests: ${candidates.slice(0, 3).map((r) => r.description).join(", ")})`,
      undefined,
      waitsForAll(candidates),
    );
  }
  return testsome(requests);
}

/** MPI_Testsome: the indices and values of the completed requests, whose slots become null (all null: undefined). */
export function testsome(requests: MaybeRequest[]): SomeCompleted {
  if (!requests.some(live)) return { indices: undefined, values: undefined };
  const indices: number[] = [];
  const values: unknown[] = [];
  requests.forEach((r, i) => {
    if (live(r) && r.done) {
      indices.push(i);
      values.push(retire(requests, i));
    }
  });
  return { indices, values };
}

/** MPI_Testall: done with every value once all have completed (slots are left as they are, as MPI_Waitall). */
export function testall(requests: MaybeRequest[]): { done: boolean; values?: unknown[] } {
  if (!requests.every((r) => !live(r) || r.done)) return { done: false };
  return { done: true, values: requests.map((r) => (live(r) ? r.test().value : undefined)) };
}

/**
 * MPI_Testany: { done: true, index, value } for one completed request, whose slot becomes null; when every slot
 * is null: { done: true, index: UNDEFINED }; otherwise { done: false, index: UNDEFINED }.
 */
export function testany(requests: MaybeRequest[], status?: Status): { done: boolean; index: number; value?: unknown } {
  const i = requests.findIndex((r) => live(r) && r.done);
  if (i < 0) return { done: !requests.some(live), index: UNDEFINED };
  return { done: true, index: i, value: retire(requests, i, status) };
}
