// Exercise S6's master (seed 002, "Alerte générale ! Une panne !" and "Un remède : le timeout"): the salad's
// master in tsmpi's fault-tolerant mode (ULFM-like: a dead rank makes operations that need it fail with
// ERR_PROC_FAILED, comm.failedRanks() lists it). Workers may crash while they hold a task. The master
// never blocks in a receive: it polls (iprobe) for give_task and receive_result, and between messages
// re-queues the task of a worker that died (comm.failedRanks(), or a send failing with ERR_PROC_FAILED) or
// whose result is late, and stops with a clear message and exit code 1 once no worker is left before the
// salad is ready. The task book (leases, re-queues, "wait", every fruit once) is ft-master-algorithm.ts.
// Lines for graders: `PREPARED <id> <fruit> by worker-<r>` (first result of each task only), `TOTAL <units>`,
// `REQUEUED <id> <fruit> from worker-<r> (<why>)`, and when every worker has died `UNPREPARED <id> <fruit>`
// per missing fruit plus, on stderr, "all workers have died; N fruits were not prepared: …".
import * as mpi from "tsmpi";
import { TAG_GIVE_TASK, TAG_RESULT, TAG_TASK, delay, workerName, type ResultMessage } from "./common.ts";
import { saladReady } from "./master.ts";
import { TaskBook, type FaultTolerantOptions } from "./ft-master-algorithm.ts";

/** How often the master looks for messages, deaths and timeouts when it has nothing to do. */
const POLL_MS = 2;

export class FaultTolerantMaster {
  private readonly book: TaskBook;
  private readonly dead = new Set<number>();
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

  /** Runs the salad; returns the exit code (0: salad ready and every live worker stopped; 1: no worker left). */
  async run(): Promise<number> {
    for (;;) {
      const handled = await this.receiveAvailable();
      this.noticeDeaths();
      for (const { worker, why } of this.book.overdue(performance.now())) this.book.requeue(worker, why);
      if (this.liveWorkers().length === 0) return this.book.done ? 0 : this.book.giveUp();
      if (!handled) await delay(POLL_MS);
    }
  }

  /** Workers neither dead nor stopped. */
  private liveWorkers(): number[] {
    return Array.from({ length: this.comm.size - 1 }, (_, k) => k + 1).filter(
      (w) => !this.dead.has(w) && !this.stopped.has(w),
    );
  }

  /** Handles every message that can be received now; returns whether there was any. */
  private async receiveAvailable(): Promise<boolean> {
    let any = false;
    const status = new mpi.Status();
    while (this.comm.iprobe(mpi.ANY_SOURCE, mpi.ANY_TAG, status)) {
      any = true;
      const { source, tag } = status;
      const message = await this.comm.recv(source, tag);
      if (tag === TAG_GIVE_TASK) await this.giveTask(source);
      else if (tag === TAG_RESULT) this.book.result(source, message as ResultMessage, performance.now());
    }
    return any;
  }

  private async giveTask(worker: number): Promise<void> {
    const reply = this.book.give(worker, performance.now());
    try {
      await this.comm.send(reply, worker, TAG_TASK);
      if (reply === null) this.stopped.add(worker);
    } catch (err) {
      if (!isProcFailed(err)) throw err;
      this.workerDied(worker);
    }
  }

  /** Workers the runtime reports dead (comm.failedRanks()) give their task back. */
  private noticeDeaths(): void {
    for (const rank of this.comm.failedRanks()) if (rank !== 0 && !this.dead.has(rank)) this.workerDied(rank);
  }

  private workerDied(worker: number): void {
    if (this.dead.has(worker)) return;
    this.dead.add(worker);
    console.log(`${workerName(worker)} est tombé en panne (${this.liveWorkers().length} travailleur(s) en vie)`);
    this.book.requeue(worker, "died");
  }
}

export function isProcFailed(err: unknown): boolean {
  return err instanceof mpi.MpiError && err.code === mpi.ErrorCode.ERR_PROC_FAILED;
}
