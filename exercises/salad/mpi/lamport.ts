// Lamport's distributed mutual exclusion over a tsmpi communicator (exercise S4, lamport-mutex.ts): the
// wiring of the algorithm (../lamport/algorithm.ts: the participant's clock, queue and permissions, and
// what it sends at each step) to point-to-point messages among the participants only (the workers): `id`
// is the rank in that communicator, and every message goes with tag TAG_LAMPORT. A receive loop handles
// the others' messages until every participant, this one included, has said bye. The vector clocks the
// grader reads come from tsrun's trace (each event is an mpi.mark).
import * as mpi from "tsmpi";
import {
  LamportState,
  type LamportKind,
  type LamportMessage,
  type Outgoing,
  type RequestStamp,
} from "../lamport/algorithm.ts";

export { before, type LamportKind, type LamportMessage, type RequestStamp } from "../lamport/algorithm.ts";

export const TAG_LAMPORT = 10;

export class LamportMutex {
  protected readonly state: LamportState;
  private wakeEntry: (() => void) | null = null;
  private readonly listening: Promise<void>;

  constructor(readonly comm: mpi.Intracomm) {
    this.state = new LamportState(comm.rank, comm.size);
    this.listening = this.listen();
  }

  /** This process's Lamport clock. */
  get clock(): number {
    return this.state.clock;
  }

  /** This process's pending or granted request, if any. */
  get request(): RequestStamp | null {
    return this.state.mine;
  }

  /** Requests the critical section; resolves once inside, with the request's stamp. */
  async acquire(): Promise<RequestStamp> {
    const ask = this.state.request();
    const inside = new Promise<void>((resolve) => (this.wakeEntry = resolve));
    await this.broadcast(ask.message.kind, ask.message.clock);
    this.tryEnter();
    await inside;
    this.state.enter();
    return this.state.mine!;
  }

  /**
   * Leaves the critical section: leaving is an event (the clock ticks; `onLeft` sees that clock, before any
   * other process can know), then the own request leaves the queue and the others are told (release).
   */
  async release(onLeft?: (clock: number) => void): Promise<void> {
    const { leftAt, send } = this.state.leave();
    onLeft?.(leftAt);
    await this.broadcast(send.message.kind, send.message.clock);
  }

  /** No more requests from here: says bye (to itself too, which ends its own receive loop in turn) and
   *  answers the others until each has said bye. */
  async close(): Promise<void> {
    await this.sendAll(this.state.bye());
    await this.listening;
  }

  /** The handout's rule (the algorithm's): n-1 permissions, and the own request at the head of the queue. */
  protected mayEnter(): boolean {
    return this.state.mayEnter();
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
    await this.sendAll({ to: this.state.others, message: { kind, clock } });
  }

  private async sendAll(out: Outgoing): Promise<void> {
    await Promise.all(out.to.map((r) => this.comm.send(out.message, r, TAG_LAMPORT)));
  }

  /** The receive loop: handles every message until every participant, this one included, has said bye. */
  private async listen(): Promise<void> {
    while (!this.state.finished) {
      const status = new mpi.Status();
      const message = (await this.comm.recv(mpi.ANY_SOURCE, TAG_LAMPORT, status)) as LamportMessage;
      const answer = this.state.receive(status.source, message);
      if (answer) await this.sendAll(answer);
      this.tryEnter();
    }
  }
}
