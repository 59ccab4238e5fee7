// Credit-based flow control for eager messages: a sender may have at most CREDIT_WINDOW bytes of eager
// payload (plus ENVELOPE_COST per envelope, so empty messages count too) unmatched at one receiver; past
// that its envelopes wait, in order, until the receiver returns credit as it matches messages. A sender far
// ahead of its receiver is thus slowed instead of filling the receiver's memory, and no envelope overtakes
// another (MPI's non-overtaking rule), because everything to one destination goes through one queue.
import { CREDIT_WINDOW } from "./limits.ts";

export interface Envelope {
  cost: number;
  fail: (err: Error) => void;
}

export class FlowControl<E extends Envelope> {
  private credit = new Map<number, number>();
  private waiting = new Map<number, E[]>();
  private owed = new Map<number, number>();

  constructor(
    /** Writes an envelope that has its credit. */
    private readonly write: (dest: number, env: E) => void,
    /** Gives `bytes` of credit back to `source`. */
    private readonly giveCredit: (source: number, bytes: number) => void,
  ) {}

  /** Sends now if the destination has credit and nothing waits before it; queues otherwise. */
  enqueue(dest: number, env: E): void {
    const queue = this.waiting.get(dest);
    if (queue && queue.length) queue.push(env);
    else if (!this.trySend(dest, env)) this.waiting.set(dest, [env]);
  }

  private trySend(dest: number, env: E): boolean {
    const available = this.credit.get(dest) ?? CREDIT_WINDOW;
    if (available < env.cost) return false;
    this.credit.set(dest, available - env.cost);
    this.write(dest, env);
    return true;
  }

  /** The receiver `dest` returned credit. */
  received(dest: number, bytes: number): void {
    this.credit.set(dest, (this.credit.get(dest) ?? CREDIT_WINDOW) + bytes);
    const queue = this.waiting.get(dest);
    while (queue && queue.length && this.trySend(dest, queue[0])) queue.shift();
  }

  /** A message from `source` was matched: owe it credit, returned in batches of a quarter window. */
  consumed(source: number, bytes: number): void {
    const owed = (this.owed.get(source) ?? 0) + bytes;
    if (owed >= CREDIT_WINDOW / 4) {
      this.owed.set(source, 0);
      this.giveCredit(source, owed);
    } else {
      this.owed.set(source, owed);
    }
  }

  /** Fails every envelope waiting for `dest` (it died). */
  failDestination(dest: number, err: (op: string) => Error): void {
    const queue = this.waiting.get(dest) ?? [];
    this.waiting.delete(dest);
    for (const env of queue) env.fail(err("send"));
  }

  /** Envelopes waiting for credit towards `dest`. */
  waitingFor(dest: number): number {
    return this.waiting.get(dest)?.length ?? 0;
  }

  /** Envelopes waiting for credit. */
  waitingCount(): number {
    let n = 0;
    for (const q of this.waiting.values()) n += q.length;
    return n;
  }
}
