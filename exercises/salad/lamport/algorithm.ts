// Lamport's distributed mutual exclusion (L. Lamport, "Time, Clocks, and the Ordering of Events in a
// Distributed System", 1978), the version of seed 000 part 2 without optimisation, with no transport: the
// state of one participant and what it sends at each step. To enter, a process must hold the n-1
// permissions of the others and its own request must be at the head of its priority queue, ordered by
// (timestamp, id). Two wirings use it for exercise S4: over a tsmpi communicator (mpi/lamport.ts) and over
// a publish/subscribe broker (lamport/broker.ts, MQTT). `id` is the participant's number, 0..size-1.
//
// Messages ({kind, clock}), each stamped with the sender's Lamport clock:
//   request  → the n-1 others: "I want the critical section, at time ts"; each queues (ts, sender), answers
//   reply    → the requester: the permission
//   release  → the n-1 others: "I left"; each removes the sender's request from its queue
//   bye      → everyone, itself included: "I will not request again" (a participant ends after n byes)
// Clock: +1 before each send (a broadcast is one event) and at each local event (enter, leave); on a
// receive, max(own, message) + 1.

export type LamportKind = "request" | "reply" | "release" | "bye";

export interface LamportMessage {
  kind: LamportKind;
  clock: number;
}

/** A request of the priority queue: its timestamp and the requester's id. */
export interface RequestStamp {
  ts: number;
  id: number;
}

/** Messages to send: the same message to each participant of `to`. */
export interface Outgoing {
  to: number[];
  message: LamportMessage;
}

/** (ts, id) order: Lamport's total order of requests. */
export function before(a: RequestStamp, b: RequestStamp): boolean {
  return a.ts < b.ts || (a.ts === b.ts && a.id < b.id);
}

export class LamportState {
  /** This participant's Lamport clock. */
  clock = 0;
  /** The priority queue of requests known here, ordered by (ts, id). */
  readonly queue: RequestStamp[] = [];
  /** This participant's pending or granted request, if any. */
  mine: RequestStamp | null = null;
  /** Who has answered `mine` (a permission each). */
  readonly permissions = new Set<number>();
  /** How many participants (this one included) have said bye. */
  byes = 0;

  constructor(
    readonly id: number,
    readonly size: number,
  ) {}

  /** The n-1 other participants. */
  get others(): number[] {
    return Array.from({ length: this.size }, (_, r) => r).filter((r) => r !== this.id);
  }

  /** Asks for the critical section: stamps the request, queues it, and returns the broadcast to send. */
  request(): Outgoing {
    if (this.mine)
      throw new Error(`Lamport acquire on participant ${this.id}: already requested (${this.mine.ts}, ${this.id})`);
    this.clock++;
    this.mine = { ts: this.clock, id: this.id };
    this.permissions.clear();
    this.enqueue(this.mine);
    return { to: this.others, message: { kind: "request", clock: this.clock } };
  }

  /** The handout's rule: a request of mine, n-1 permissions, and mine at the head of the queue. */
  mayEnter(): boolean {
    // SOLUTION BEGIN: Lamport's rule: a request of mine, a later message from each of the n-1 others, and mine at the head of the queue
    return this.mine !== null && this.permissions.size === this.size - 1 && this.queue[0] === this.mine;
    // STARTER: return true;
    // SOLUTION END
  }

  /** Entering is an event: the clock ticks. */
  enter(): void {
    this.clock++;
  }

  /** Leaving: an event (returns its clock, before anyone can know), then dequeue and the release to send. */
  leave(): { leftAt: number; send: Outgoing } {
    if (!this.mine) throw new Error(`Lamport release on participant ${this.id}: not inside`);
    const leftAt = ++this.clock;
    this.dequeue(this.id);
    this.mine = null;
    this.clock++;
    return { leftAt, send: { to: this.others, message: { kind: "release", clock: this.clock } } };
  }

  /** No more requests from here: the bye to send to everyone, this participant included. */
  bye(): Outgoing {
    this.clock++;
    return { to: [...this.others, this.id], message: { kind: "bye", clock: this.clock } };
  }

  /** Every participant has said bye: nobody will ask for a permission any more. */
  get finished(): boolean {
    return this.byes >= this.size;
  }

  /** A message from participant `from`: updates the state; returns the reply to send, if any. */
  receive(from: number, message: LamportMessage): Outgoing | null {
    this.clock = Math.max(this.clock, message.clock) + 1;
    switch (message.kind) {
      case "request":
        this.enqueue({ ts: message.clock, id: from });
        this.clock++;
        return { to: [from], message: { kind: "reply", clock: this.clock } };
      case "reply":
        this.permissions.add(from);
        return null;
      case "release":
        this.dequeue(from);
        return null;
      case "bye":
        this.byes++;
        return null;
    }
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
