// Lamport's distributed mutual exclusion (L. Lamport, "Time, Clocks, and the Ordering of Events in a
// Distributed System", 1978), the version of seed 000 part 2 without optimisation: to enter, a process must
// hold the n-1 permissions of the others and its own request must be at the head of its priority queue,
// ordered by (timestamp, id). Used by exercise S4 (lamport-mutex.ts) over a tsmpi communicator of the
// participants only (the workers): `id` is the rank in that communicator.
//
// Messages (tag TAG_LAMPORT, value {kind, clock}), each stamped with the sender's Lamport clock:
//   request  → the n-1 others: "I want the critical section, at time ts"; each queues (ts, sender), answers
//   reply    → the requester: the permission
//   release  → the n-1 others: "I left"; each removes the sender's request from its queue
//   bye      → everyone, itself included: "I will not request again" (the receive loop ends after n byes)
// Clock: +1 before each send (a broadcast is one event) and at each local event (enter, leave); on a
// receive, max(own, message) + 1.
import * as mpi from "tsmpi";

export const TAG_LAMPORT = 10;

export type LamportKind = "request" | "reply" | "release" | "bye";

export interface LamportMessage {
  kind: LamportKind;
  clock: number;
}

/** A request of the priority queue: its timestamp and the requester's id (rank in the communicator). */
export interface RequestStamp {
  ts: number;
  id: number;
}

/** (ts, id) order: Lamport's total order of requests. */
export function before(a: RequestStamp, b: RequestStamp): boolean {
  return a.ts < b.ts || (a.ts === b.ts && a.id < b.id);
}

export class LamportMutex {
  /** This process's Lamport clock. */
  clock = 0;
  /** The priority queue of requests known here, ordered by (ts, id). */
  readonly queue: RequestStamp[] = [];
  /** This process's pending request, if any. */
  protected mine: RequestStamp | null = null;
  /** Who has answered `mine` (a permission each). */
  protected readonly permissions = new Set<number>();
  private wakeEntry: (() => void) | null = null;
  private byesReceived = 0;
  private readonly listening: Promise<void>;

  constructor(readonly comm: mpi.Intracomm) {
    this.listening = this.listen();
  }

  get id(): number {
    return this.comm.rank;
  }

  /** The n-1 other participants. */
  get others(): number[] {
    return Array.from({ length: this.comm.size }, (_, r) => r).filter((r) => r !== this.id);
  }

  /** Requests the critical section; resolves once inside, with the request's stamp. */
  async acquire(): Promise<RequestStamp> {
    if (this.mine) throw new Error(`LamportMutex.acquire on participant ${this.id}: already requested (${this.mine.ts}, ${this.id})`);
    this.clock++;
    this.mine = { ts: this.clock, id: this.id };
    this.permissions.clear();
    this.enqueue(this.mine);
    const inside = new Promise<void>((resolve) => (this.wakeEntry = resolve));
    await this.broadcast("request", this.clock);
    this.tryEnter();
    await inside;
    this.clock++; // entering is an event
    return this.mine;
  }

  /** This process's pending or granted request, if any. */
  get request(): RequestStamp | null {
    return this.mine;
  }

  /**
   * Leaves the critical section: leaving is an event (the clock ticks; `onLeft` sees that clock, before any
   * other process can know), then the own request leaves the queue and the others are told (release).
   */
  async release(onLeft?: (clock: number) => void): Promise<void> {
    if (!this.mine) throw new Error(`LamportMutex.release on participant ${this.id}: not inside`);
    this.clock++;
    onLeft?.(this.clock);
    this.dequeue(this.id);
    this.mine = null;
    this.clock++;
    await this.broadcast("release", this.clock);
  }

  /** No more requests from here: says bye (to itself too, which ends its own receive loop in turn) and
   *  answers the others until each has said bye. */
  async close(): Promise<void> {
    this.clock++;
    const bye: LamportMessage = { kind: "bye", clock: this.clock };
    await Promise.all([...this.others, this.id].map((r) => this.comm.send(bye, r, TAG_LAMPORT)));
    await this.listening;
  }

  /** The handout's rule: n-1 permissions, and the own request at the head of the queue. */
  protected mayEnter(): boolean {
    // SOLUTION BEGIN: Lamport's rule: a request of mine, a later message from each of the n-1 others, and mine at the head of the queue
    return this.mine !== null && this.permissions.size === this.comm.size - 1 && this.queue[0] === this.mine;
    // STARTER: return true;
    // SOLUTION END
  }

  protected tryEnter(): void {
    if (this.wakeEntry && this.mayEnter()) {
      const wake = this.wakeEntry;
      this.wakeEntry = null;
      wake();
    }
  }

  /** Sends one message stamped `clock` to each of the n-1 others. */
  protected async broadcast(kind: LamportKind, clock: number): Promise<void> {
    await Promise.all(this.others.map((r) => this.comm.send({ kind, clock } satisfies LamportMessage, r, TAG_LAMPORT)));
  }

  /** The receive loop: handles every message until every participant, this one included, has said bye. */
  private async listen(): Promise<void> {
    while (this.byesReceived < this.comm.size) {
      const status = new mpi.Status();
      const message = (await this.comm.recv(mpi.ANY_SOURCE, TAG_LAMPORT, status)) as LamportMessage;
      await this.handle(status.source, message);
    }
  }

  protected async handle(from: number, message: LamportMessage): Promise<void> {
    this.clock = Math.max(this.clock, message.clock) + 1;
    switch (message.kind) {
      case "request":
        this.enqueue({ ts: message.clock, id: from });
        this.clock++;
        await this.comm.send({ kind: "reply", clock: this.clock } satisfies LamportMessage, from, TAG_LAMPORT);
        break;
      case "reply":
        this.permissions.add(from);
        break;
      case "release":
        this.dequeue(from);
        break;
      case "bye":
        this.byesReceived++;
        break;
    }
    this.tryEnter();
  }

  private enqueue(request: RequestStamp): void {
    const at = this.queue.findIndex((q) => before(request, q));
    this.queue.splice(at < 0 ? this.queue.length : at, 0, request);
  }

  private dequeue(id: number): void {
    const at = this.queue.findIndex((q) => q.id === id);
    if (at >= 0) this.queue.splice(at, 1);
  }
}
