// Exercise S6's master as the course teaches it (seed 002, "Un remède : le timeout"; seed 000: "pour détecter
// les pannes … on peut utiliser un délai"): silence means dead. The master uses no failure detector of the
// runtime (never comm.failedRanks(), never ERR_PROC_FAILED): it receives with a timeout (probe, then wait a
// little), and
//  - re-queues a task whose result has not come back within its timeout (the worker is presumed dead; a
//    late result is ignored if the fruit was prepared meanwhile: every fruit counts once),
//  - answers give_task with "wait" while no task is free but some are being prepared,
//  - stops once every worker it has not told to stop has been silent longer than the silence limit: with
//    the salad ready (exit 0), or with the fruits missing listed (exit 1).
// The task book (leases, re-queues, "wait", every fruit once) is ft-master-algorithm.ts. Same lines as the
// exact-detection master (ft-master.ts): PREPARED, TOTAL, REQUEUED, UNPREPARED, and on stderr "all workers
// have died; N fruits were not prepared: …".
import * as mpi from "tsmpi";
import { TAG_GIVE_TASK, TAG_RESULT, TAG_TASK, delay, workerName, type ResultMessage } from "./common.ts";
import { saladReady } from "./master.ts";
import { TaskBook, type FaultTolerantOptions } from "./ft-master-algorithm.ts";

/** How long one receive waits before the master looks at its timeouts (the "timeout of the receive"). */
const RECEIVE_SLICE_MS = 20;
const POLL_MS = 2;

/** A message from any worker within `ms`, or null: a receive with a timeout, built from probe and wait. */
export async function recvWithin(
  comm: mpi.Intracomm,
  ms: number,
): Promise<{ source: number; tag: number; message: unknown } | null> {
  const deadline = performance.now() + ms;
  const status = new mpi.Status();
  for (;;) {
    if (comm.iprobe(mpi.ANY_SOURCE, mpi.ANY_TAG, status)) {
      const { source, tag } = status;
      return { source, tag, message: await comm.recv(source, tag) };
    }
    if (performance.now() >= deadline) return null;
    await delay(POLL_MS);
  }
}

export class TimeoutMaster {
  private readonly book: TaskBook;
  private readonly lastHeard = new Map<number, number>();
  private readonly stopped = new Set<number>();

  constructor(
    readonly comm: mpi.Intracomm,
    readonly options: FaultTolerantOptions,
  ) {
    const print = (line: string) => console.log(line);
    this.book = new TaskBook(options, {
      print,
      error: (line) => process.stderr.write(`${line}\n`),
      saladReady: (ms) => saladReady(ms, options.scale),
    });
  }

  async run(): Promise<number> {
    const now = performance.now();
    for (let w = 1; w < this.comm.size; w++) this.lastHeard.set(w, now);
    for (;;) {
      const received = await recvWithin(this.comm, RECEIVE_SLICE_MS);
      if (received) {
        this.lastHeard.set(received.source, performance.now());
        if (received.tag === TAG_GIVE_TASK) await this.giveTask(received.source);
        else if (received.tag === TAG_RESULT)
          this.book.result(received.source, received.message as ResultMessage, performance.now());
      }
      // SOLUTION BEGIN: re-queue overdue tasks; stop when every worker not yet stopped has been silent too long
      this.requeueOverdue();
      if (this.everyWorkerSilent()) return this.book.done ? 0 : this.giveUp();
      // SOLUTION END
    }
  }

  /** Longest silence of a live worker: a worker speaks at least once per task (its timeout) or per wait. */
  private silenceLimitMs(): number {
    if (this.options.silenceUnits !== undefined) return this.options.silenceUnits * this.options.scale * 1000;
    return 4 * this.book.longestTimeoutMs();
  }

  private everyWorkerSilent(): boolean {
    const now = performance.now();
    return [...this.lastHeard].every(([w, at]) => this.stopped.has(w) || now - at > this.silenceLimitMs());
  }

  private giveUp(): number {
    return this.book.giveUp(
      `every worker has been silent for more than ${(this.silenceLimitMs() / 1000).toFixed(1)} s: presumed dead`,
    );
  }

  private async giveTask(worker: number): Promise<void> {
    const reply = this.book.give(worker, performance.now());
    if (reply === null) this.stopped.add(worker);
    // A worker that died just after asking cannot take the answer; its silence tells the rest.
    await this.comm.send(reply, worker, TAG_TASK).catch(() => {});
  }

  private requeueOverdue(): void {
    for (const { worker, why } of this.book.overdue(performance.now()))
      this.book.requeue(worker, why, `${workerName(worker)} ne répond plus : `);
  }
}
