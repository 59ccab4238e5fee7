// Exercise S6's master (seed 002, "Alerte générale ! Une panne !" and "Un remède : le timeout"): the salad's
// master in tsmpi's fault-tolerant mode (ULFM-like: a dead rank makes operations that need it fail with
// ERR_PROC_FAILED, comm.failedRanks() lists it). Workers may crash while they hold a task. The master
// never blocks in a receive: it polls (iprobe) for give_task and receive_result, and between messages
//  - re-queues the task of a worker that died (comm.failedRanks(), or a send failing with ERR_PROC_FAILED),
//  - re-queues a task whose result is late (a timeout: the worker may be alive but slow; a late result
//    is then ignored if the fruit was prepared meanwhile — every fruit is counted exactly once),
//  - answers give_task with "wait" while no task is free but some are being prepared (idle workers wait),
//  - stops with a clear message and exit code 1 once no worker is left before the salad is ready.
// Lines for graders: `PREPARED <id> <fruit> by worker-<r>` (first result of each task only), `TOTAL <units>`,
// `REQUEUED <id> <fruit> from worker-<r> (<why>)`, and when every worker has died `UNPREPARED <id> <fruit>`
// per missing fruit plus, on stderr, "all workers have died; N fruits were not prepared: …".
import * as mpi from "tsmpi";
import { preparedLine, saladTasks, type Task } from "../fruits.ts";
import { TAG_GIVE_TASK, TAG_RESULT, TAG_TASK, delay, taskText, workerName, type ResultMessage, type TaskReply } from "./common.ts";
import { saladReady } from "./master.ts";

/** How often the master looks for messages, deaths and timeouts when it has nothing to do. */
const POLL_MS = 2;
/** A timeout is never shorter than this: on a loaded machine timers and messages can be late by that much. */
export const MIN_TIMEOUT_MS = 500;

export interface FaultTolerantOptions {
  scale: number;
  /** Seconds before a task is re-queued; default: (2 × its units + 2) time units, at least MIN_TIMEOUT_MS. */
  timeoutUnits?: number;
  /** Time units of silence after which every worker is presumed dead (timeout master; default 4 × the longest task timeout). */
  silenceUnits?: number;
  program: string;
}

/** A task handed to a worker, and when the master gives up waiting for its result. */
interface Lease {
  task: Task;
  deadline: number;
}

export class FaultTolerantMaster {
  protected readonly tasksToDo: Task[] = saladTasks();
  protected readonly total = this.tasksToDo.length;
  /** Worker rank → the task it is preparing. */
  protected readonly leases = new Map<number, Lease>();
  protected readonly prepared = new Map<number, Task>();
  protected readonly dead = new Set<number>();
  protected readonly stopped = new Set<number>();
  private startedAt: number | null = null;

  constructor(readonly comm: mpi.Intracomm, readonly options: FaultTolerantOptions) {}

  /** Runs the salad; returns the exit code (0: salad ready and every live worker stopped; 1: no worker left). */
  async run(): Promise<number> {
    for (;;) {
      const handled = await this.receiveAvailable();
      this.noticeDeaths();
      this.noticeTimeouts();
      if (this.liveWorkers().length === 0) {
        if (this.prepared.size === this.total) return 0;
        const code = this.noWorkerLeft();
        if (code !== null) return code;
      }
      if (!handled) await delay(POLL_MS);
    }
  }

  /** Workers neither dead nor stopped. */
  protected liveWorkers(): number[] {
    return Array.from({ length: this.comm.size - 1 }, (_, k) => k + 1).filter((w) => !this.dead.has(w) && !this.stopped.has(w));
  }

  /** Every worker is dead before the salad is ready: says which fruits are missing; returns the exit code. */
  protected noWorkerLeft(): number | null {
    const missing = saladTasks().filter((t) => !this.prepared.has(t.id));
    for (const task of missing) console.log(`UNPREPARED ${task.id} ${task.fruit}`);
    const list = missing.map((t) => `${t.fruit} (task ${t.id})`).join(", ");
    process.stderr.write(`${this.options.program}: all workers have died; ${missing.length} fruit${missing.length === 1 ? " was" : "s were"} not prepared: ${list}\n`);
    return 1;
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
      else if (tag === TAG_RESULT) this.receiveResult(source, message as ResultMessage);
    }
    return any;
  }

  /** give_task: a free task, else "wait" while fruits are being prepared elsewhere, else stop (null). */
  private async giveTask(worker: number): Promise<void> {
    this.startedAt ??= performance.now();
    let task: Task | undefined;
    do task = this.tasksToDo.pop();
    while (task && this.prepared.has(task.id)); // a re-queued task whose late result came back meanwhile
    const reply: TaskReply = task ?? (this.prepared.size < this.total ? { wait: true } : null);
    if (task) {
      this.leases.set(worker, { task, deadline: performance.now() + this.timeoutMs(task) });
      console.log(`${taskText(task)} envoyée en préparation à ${workerName(worker)} (reste ${this.tasksToDo.length})`);
    }
    try {
      await this.comm.send(reply, worker, TAG_TASK);
      if (reply === null) this.stopped.add(worker);
    } catch (err) {
      if (!isProcFailed(err)) throw err;
      this.workerDied(worker);
    }
  }

  /** receive_result: the first result of a task counts; a late duplicate (after a timeout) is ignored. */
  private receiveResult(worker: number, { id, result }: ResultMessage): void {
    if (this.leases.get(worker)?.task.id === id) this.leases.delete(worker);
    const task = saladTasks()[id];
    if (!task || this.prepared.has(id)) {
      console.log(`${result} reçue de ${workerName(worker)} en retard : déjà préparée, ignorée`);
      return;
    }
    this.prepared.set(id, task);
    console.log(`${result} reçue de ${workerName(worker)}`);
    console.log(preparedLine(task, workerName(worker)));
    if (this.prepared.size === this.total) saladReady(performance.now() - (this.startedAt ?? performance.now()), this.options.scale);
  }

  /** Workers the runtime reports dead (comm.failedRanks()) give their task back. */
  private noticeDeaths(): void {
    for (const rank of this.comm.failedRanks()) if (rank !== 0 && !this.dead.has(rank)) this.workerDied(rank);
  }

  private workerDied(worker: number): void {
    if (this.dead.has(worker)) return;
    this.dead.add(worker);
    console.log(`${workerName(worker)} est tombé en panne (${this.liveWorkers().length} travailleur(s) en vie)`);
    this.requeue(worker, "died");
  }

  /** Results overdue: the task goes back to the basket (the worker may still answer; see receiveResult). */
  private noticeTimeouts(): void {
    const now = performance.now();
    for (const [worker, lease] of this.leases) if (now > lease.deadline) this.requeue(worker, `no result after ${this.timeoutMs(lease.task).toFixed(0)} ms`);
  }

  private requeue(worker: number, why: string): void {
    const lease = this.leases.get(worker);
    this.leases.delete(worker);
    if (!lease || this.prepared.has(lease.task.id)) return;
    this.tasksToDo.push(lease.task); // pop() takes it next
    console.log(`remet ${taskText(lease.task)} dans le panier à préparer`);
    console.log(`REQUEUED ${lease.task.id} ${lease.task.fruit} from ${workerName(worker)} (${why})`);
  }

  private timeoutMs(task: Task): number {
    const units = this.options.timeoutUnits ?? 2 * task.units + 2;
    return Math.max(units * this.options.scale * 1000, MIN_TIMEOUT_MS);
  }
}

export function isProcFailed(err: unknown): boolean {
  return err instanceof mpi.MpiError && err.code === mpi.ErrorCode.ERR_PROC_FAILED;
}
