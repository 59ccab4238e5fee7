// Exercise S6's algorithm, shared by both fault-tolerant masters (ft-master.ts: the runtime reports dead
// workers; timeout-master.ts: silence means dead): the book of the salad's tasks, without MPI. A task handed
// to a worker is leased until its timeout; a dead or overdue worker's task goes back to the basket; the
// first result of a task counts and a late duplicate is ignored, so every fruit is counted exactly once;
// give_task is answered "wait" while no task is free but some are being prepared, and null (stop) at the end.
import { preparedLine, saladTasks, type Task } from "../fruits.ts";
import { taskText, workerName, type ResultMessage, type TaskReply } from "./common.ts";

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

/** What the book does besides changing its state: the master prints these. */
export interface BookActions {
  print(line: string): void;
  /** The one-line error of a master with no worker left. */
  error(line: string): void;
  /** Every fruit is prepared, `ms` after the first give_task. */
  saladReady(ms: number): void;
}

/** A task handed to a worker, and when the master gives up waiting for its result. */
interface Lease {
  task: Task;
  deadline: number;
}

export class TaskBook {
  private readonly tasksToDo: Task[] = saladTasks();
  private readonly total = this.tasksToDo.length;
  /** Worker rank → the task it is preparing. */
  private readonly leases = new Map<number, Lease>();
  private readonly prepared = new Map<number, Task>();
  private startedAt: number | null = null;

  constructor(
    private readonly options: FaultTolerantOptions,
    private readonly act: BookActions,
  ) {}

  get done(): boolean {
    return this.prepared.size === this.total;
  }

  /** give_task at time `now`: a free task, else "wait" while fruits are being prepared elsewhere, else stop (null). */
  give(worker: number, now: number): TaskReply {
    this.startedAt ??= now;
    let task: Task | undefined;
    do task = this.tasksToDo.pop();
    while (task && this.prepared.has(task.id)); // a re-queued task whose late result came back meanwhile
    if (!task) return this.done ? null : { wait: true };
    this.leases.set(worker, { task, deadline: now + this.timeoutMs(task) });
    this.act.print(`${taskText(task)} envoyée en préparation à ${workerName(worker)} (reste ${this.tasksToDo.length})`);
    return task;
  }

  /** receive_result: the first result of a task counts; a late duplicate (after a timeout) is ignored. */
  result(worker: number, { id, result }: ResultMessage, now: number): void {
    if (this.leases.get(worker)?.task.id === id) this.leases.delete(worker);
    const task = saladTasks()[id];
    if (!task || this.prepared.has(id))
      return this.act.print(`${result} reçue de ${workerName(worker)} en retard : déjà préparée, ignorée`);
    this.prepared.set(id, task);
    this.act.print(`${result} reçue de ${workerName(worker)}`);
    this.act.print(preparedLine(task, workerName(worker)));
    if (this.done) this.act.saladReady(now - (this.startedAt ?? now));
  }

  /** The workers whose task is overdue at `now`, with how long their timeout was. */
  overdue(now: number): { worker: number; why: string }[] {
    return [...this.leases]
      .filter(([, lease]) => now > lease.deadline)
      .map(([worker, lease]) => ({ worker, why: `no result after ${this.timeoutMs(lease.task).toFixed(0)} ms` }));
  }

  /** The worker's task goes back to the basket (unless its fruit is prepared); `said` prefixes the log line. */
  requeue(worker: number, why: string, said = ""): void {
    const lease = this.leases.get(worker);
    this.leases.delete(worker);
    if (!lease || this.prepared.has(lease.task.id)) return;
    this.tasksToDo.push(lease.task); // pop() takes it next
    this.act.print(`${said}remet ${taskText(lease.task)} dans le panier à préparer`);
    this.act.print(`REQUEUED ${lease.task.id} ${lease.task.fruit} from ${workerName(worker)} (${why})`);
  }

  /** No worker is left before the salad is ready: says which fruits are missing; returns the exit code 1. */
  giveUp(reason?: string): number {
    const missing = saladTasks().filter((t) => !this.prepared.has(t.id));
    for (const task of missing) this.act.print(`UNPREPARED ${task.id} ${task.fruit}`);
    if (reason) this.act.print(reason);
    const list = missing.map((t) => `${t.fruit} (task ${t.id})`).join(", ");
    this.act.error(
      `${this.options.program}: all workers have died; ${missing.length} fruit${missing.length === 1 ? " was" : "s were"} not prepared: ${list}`,
    );
    return 1;
  }

  timeoutMs(task: Task): number {
    const units = this.options.timeoutUnits ?? 2 * task.units + 2;
    return Math.max(units * this.options.scale * 1000, MIN_TIMEOUT_MS);
  }

  /** The longest timeout of any task (the timeout master's silence limit is a multiple of it). */
  longestTimeoutMs(): number {
    return Math.max(...saladTasks().map((t) => this.timeoutMs(t)));
  }
}
