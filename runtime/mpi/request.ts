// class Request (MPI_Request, MPI-4 §3.7): the handle of a nonblocking operation. wait() blocks until it
// completes, test() polls, cancel() withdraws a receive not yet matched; a request that failed rethrows
// its error from wait()/test(). PersistentRequest (MPI-4 §3.9, sendInit/recvInit): start() begins one
// round, inactive between rounds. The list operations waitall/waitany/waitsome/testall/testany/testsome
// retire what they return as MPI does: the caller's slot becomes null (mpi4py's REQUEST_NULL), a
// persistent request becomes inactive. Requests are made by the communicators (mpi/comm.ts, …) through
// startRequest(); users only hold them.
import { ErrorCode, mpiError } from "../errors.ts";
import { Status } from "./status.ts";
import { UNDEFINED } from "../constants.ts";
import { blocking } from "../trace/activity.ts";
import { requestCompleted, requestCreated } from "../trace/leftovers.ts";

/** What starts the operation of a request: given the request's status, resolves with its value. */
export type RequestStart = (status: Status) => Promise<unknown>;

let make: (start: RequestStart, description: string, waitsFor?: number[], canceller?: () => boolean) => Request;
let settledOf: (r: Request) => Promise<void>;
let descriptionOf: (r: Request) => string;
let waitsForOf: (r: Request) => number[] | undefined;

export class Request {
  #settled = false;
  #value: unknown = undefined;
  #error: unknown = undefined;
  readonly #status = new Status();
  readonly #promise: Promise<void>;
  /** Withdraws a receive not matched yet (true if it was), or null. */
  readonly #canceller: (() => boolean) | null;
  /** The operation as diagnostics name it, e.g. "irecv(source=1, tag=0)". */
  readonly #description: string;
  /** World ranks that can complete this request, for diagnostics. */
  readonly #waitsFor: number[] | undefined;

  private constructor(start: RequestStart, description: string, waitsFor?: number[], canceller?: () => boolean) {
    this.#description = description;
    this.#waitsFor = waitsFor;
    this.#canceller = canceller ?? null;
    requestCreated(this, description);
    this.#promise = start(this.#status).then(
      (v) => {
        this.#value = v;
        this.#settled = true;
      },
      (e) => {
        this.#error = e;
        this.#settled = true;
      },
    );
  }

  static {
    make = (start, description, waitsFor, canceller) => new Request(start, description, waitsFor, canceller);
    settledOf = (r) => r.#promise;
    descriptionOf = (r) => r.#description;
    waitsForOf = (r) => r.#waitsFor;
  }

  /** True once the operation completed (MPI_Request_get_status without the status). */
  get done(): boolean {
    return this.#settled;
  }

  /** MPI_Wait: resolves with the received value (receives) or undefined (sends); rethrows a failure. */
  async wait<T = unknown>(status?: Status): Promise<T> {
    if (!this.#settled) await blocking(this.#promise, () => `wait(${this.#description})`, undefined, this.#waitsFor);
    return this.#result(status) as T;
  }

  /** MPI_Test: { done: false } or { done: true, value }. */
  test(status?: Status): { done: boolean; value?: unknown } {
    if (!this.#settled) return { done: false };
    return { done: true, value: this.#result(status) };
  }

  /** MPI_Cancel: withdraws a receive that has not matched yet; wait() then reports status.cancelled. */
  cancel(): void {
    if (this.#settled || !this.#canceller) return;
    if (this.#canceller()) this.#status.cancelled = true;
  }

  #result(status?: Status): unknown {
    requestCompleted(this);
    if (status) status.assign(this.#status);
    if (this.#error !== undefined) throw this.#error;
    return this.#value;
  }
}

/** Starts an operation and returns its request (for the communicators, windows and messages). */
export function startRequest(
  start: RequestStart,
  description: string,
  waitsFor?: number[],
  canceller?: () => boolean,
): Request {
  return make(start, description, waitsFor, canceller);
}

/** A request that is already complete (PROC_NULL operations, buffered sends). */
export function completedRequest(value?: unknown): Request {
  return make(() => Promise.resolve(value), "completed");
}

let roundOf: (p: PersistentRequest) => Request | null;
let endRound: (p: PersistentRequest) => void;
let makePersistent: (begin: () => Request, description: string) => PersistentRequest;

/** A persistent request (MPI_Send_init / MPI_Recv_init): start() begins one round; wait()/test() as usual. */
export class PersistentRequest {
  readonly #begin: () => Request;
  readonly #description: string;
  /** The round started and not yet returned by a list operation, or null (inactive). */
  #current: Request | null = null;

  private constructor(begin: () => Request, description: string) {
    this.#begin = begin;
    this.#description = description;
  }

  static {
    makePersistent = (begin, description) => new PersistentRequest(begin, description);
    roundOf = (p) => p.#current;
    endRound = (p) => (p.#current = null);
  }

  /** MPI_Start: begins a round (ERR_REQUEST while the previous one is still running). */
  start(): void {
    if (this.#current && !this.#current.done) {
      throw mpiError(ErrorCode.ERR_REQUEST, `start(${this.#description})`, "the request is still active", {
        hint: "wait() for it before start() again",
      });
    }
    this.#current = this.#begin();
  }

  get done(): boolean {
    return this.#current?.done ?? true;
  }

  async wait<T = unknown>(status?: Status): Promise<T> {
    return (this.#current ? this.#current.wait<T>(status) : undefined) as T;
  }

  test(status?: Status): { done: boolean; value?: unknown } {
    return this.#current ? this.#current.test(status) : { done: true };
  }

  cancel(): void {
    this.#current?.cancel();
  }
}

/** A persistent request whose rounds are begun by `begin` (comm.sendInit/recvInit). */
export function persistentRequest(begin: () => Request, description: string): PersistentRequest {
  return makePersistent(begin, description);
}

/** MPI_Startall. */
export function startall(requests: PersistentRequest[]): void {
  for (const r of requests) r.start();
}

// ---- list operations ------------------------------------------------------------------------------

type AnyRequest = Request | PersistentRequest;
type MaybeRequest = AnyRequest | null | undefined;

/** The running operation of a slot: the request, or a persistent request's round (null when inactive). */
function running(r: MaybeRequest): Request | null {
  if (!r) return null;
  return r instanceof PersistentRequest ? roundOf(r) : r;
}

/** A slot the list operations consider: neither null (MPI_REQUEST_NULL) nor an inactive persistent request. */
function live(r: MaybeRequest): r is AnyRequest {
  return running(r) !== null;
}

/** Takes the result of the completed request in slot i and retires the slot (null, or persistent: inactive). */
function retire(requests: MaybeRequest[], i: number, status?: Status): unknown {
  const r = requests[i]!;
  const value = r.test(status).value;
  if (r instanceof PersistentRequest) endRound(r);
  else requests[i] = null;
  return value;
}

/** What a list call waits for, as diagnostics show it: the first three requests, and who can complete them. */
function pendingCall(
  name: string,
  live: AnyRequest[],
  total?: number,
): { describe: () => string; waitsFor?: number[] } {
  const runs = live.map((r) => running(r)!);
  const head = runs.slice(0, 3).map(descriptionOf).join(", ");
  const describe = () =>
    total === undefined
      ? `${name}(${runs.length} requests: ${head})`
      : `${name}(${runs.length} of ${total} requests pending: ${head})`;
  const known = runs.every((r) => waitsForOf(r));
  return { describe, waitsFor: known ? [...new Set(runs.flatMap((r) => waitsForOf(r)!))] : undefined };
}

function settled(r: AnyRequest): Promise<void> {
  return settledOf(running(r)!);
}

/** MPI_Waitall: waits for all requests; returns their values in order. */
export async function waitall(requests: MaybeRequest[], statuses?: Status[]): Promise<unknown[]> {
  const pending = requests.filter((r): r is AnyRequest => live(r) && !r.done);
  if (pending.length) {
    const { describe, waitsFor } = pendingCall("waitall", pending, requests.length);
    await blocking(Promise.all(pending.map(settled)), describe, undefined, waitsFor);
  }
  return requests.map((r, i) => (live(r) ? r.test(statuses?.[i]).value : undefined));
}

/** MPI_Waitany: [index, value] of one completed request, whose slot becomes null; all null: [UNDEFINED, undefined]. */
export async function waitany(requests: MaybeRequest[], status?: Status): Promise<[number, unknown]> {
  const candidates = requests.map((r, i) => [r, i] as const).filter(([r]) => live(r)) as [AnyRequest, number][];
  if (!candidates.length) return [UNDEFINED, undefined];
  const ready = candidates.find(([r]) => r.done);
  if (ready) return [ready[1], retire(requests, ready[1], status)];
  const { describe, waitsFor } = pendingCall(
    "waitany",
    candidates.map(([r]) => r),
  );
  const index = await blocking(
    Promise.race(candidates.map(([r, i]) => settled(r).then(() => i))),
    describe,
    undefined,
    waitsFor,
  );
  return [index, retire(requests, index, status)];
}

/** What waitsome/testsome give: the completed requests, or, when every slot is null, nothing to wait for. */
export type SomeCompleted = { indices: number[]; values: unknown[] } | { indices: undefined; values: undefined };

/**
 * MPI_Waitsome: waits until at least one completes; returns the indices and values of all completed and sets
 * their slots to null. When every slot is null: { indices: undefined, values: undefined } (MPI's outcount
 * UNDEFINED, mpi4py's None), unlike { indices: [] } from testsome for "active, none complete yet".
 */
export async function waitsome(requests: MaybeRequest[]): Promise<SomeCompleted> {
  const candidates = requests.filter(live);
  if (candidates.length && !candidates.some((r) => r.done)) {
    const { describe, waitsFor } = pendingCall("waitsome", candidates);
    await blocking(Promise.race(candidates.map(settled)), describe, undefined, waitsFor);
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
