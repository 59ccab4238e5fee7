// Exercise S6's master as the course teaches it (seed 002, "Un remède : le timeout"; seed 000: "pour détecter
// les pannes … on peut utiliser un délai"): silence means dead. The master uses no failure detector of the
// runtime (never comm.failedRanks(), never ERR_PROC_FAILED): it receives with a timeout (probe, then wait a
// little), and
//  - re-queues a task whose result has not come back within its timeout (the worker is presumed dead; a
//    late result is ignored if the fruit was prepared meanwhile: every fruit counts once),
//  - answers give_task with "wait" while no task is free but some are being prepared,
//  - stops once every worker it has not told to stop has been silent longer than the silence limit: with
//    the salad ready (exit 0), or with the fruits missing listed (exit 1).
// Same lines as the exact-detection master (ft-master.ts): PREPARED, TOTAL, REQUEUED, UNPREPARED, and on
// stderr "all workers have died; N fruits were not prepared: …".
import * as mpi from "tsmpi";
import { preparedLine, saladTasks, type Task } from "../fruits.ts";
import { TAG_GIVE_TASK, TAG_RESULT, TAG_TASK, delay, taskText, workerName, type ResultMessage, type TaskReply } from "./common.ts";
import { saladReady } from "./master.ts";
import { MIN_TIMEOUT_MS, type FaultTolerantOptions } from "./ft-master.ts";

/** How long one receive waits before the master looks at its timeouts (the "timeout of the receive"). */
const RECEIVE_SLICE_MS = 20;
const POLL_MS = 2;

/** A message from any worker within `ms`, or null: a receive with a timeout, built from probe and wait. */
export async function recvWithin(comm: mpi.Intracomm, ms: number): Promise<{ source: number; tag: number; message: unknown } | null> {
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
  private readonly tasksToDo: Task[] = saladTasks();
  private readonly total = this.tasksToDo.length;
  private readonly leases = new Map<number, { task: Task; deadline: number }>();
  private readonly prepared = new Map<number, Task>();
  private readonly lastHeard = new Map<number, number>();
  private readonly stopped = new Set<number>();
  private startedAt: number | null = null;

  constructor(readonly comm: mpi.Intracomm, readonly options: FaultTolerantOptions) {}

  async run(): Promise<number> {
    const now = performance.now();
    for (let w = 1; w < this.comm.size; w++) this.lastHeard.set(w, now);
    for (;;) {
      const received = await recvWithin(this.comm, RECEIVE_SLICE_MS);
      if (received) {
        this.lastHeard.set(received.source, performance.now());
        if (received.tag === TAG_GIVE_TASK) await this.giveTask(received.source);
        else if (received.tag === TAG_RESULT) this.receiveResult(received.source, received.message as ResultMessage);
      }
      // SOLUTION BEGIN: re-queue overdue tasks; stop when every worker not yet stopped has been silent too long
      this.requeueOverdue();
      if (this.everyWorkerSilent()) return this.prepared.size === this.total ? 0 : this.giveUp();
      // SOLUTION END
    }
  }

  /** Longest silence of a live worker: a worker speaks at least once per task (its timeout) or per wait. */
  private silenceLimitMs(): number {
    if (this.options.silenceUnits !== undefined) return this.options.silenceUnits * this.options.scale * 1000;
    return 4 * Math.max(...saladTasks().map((t) => this.timeoutMs(t)));
  }

  private everyWorkerSilent(): boolean {
    const now = performance.now();
    return [...this.lastHeard].every(([w, at]) => this.stopped.has(w) || now - at > this.silenceLimitMs());
  }

  private giveUp(): number {
    const missing = saladTasks().filter((t) => !this.prepared.has(t.id));
    for (const task of missing) console.log(`UNPREPARED ${task.id} ${task.fruit}`);
    console.log(`every worker has been silent for more than ${(this.silenceLimitMs() / 1000).toFixed(1)} s: presumed dead`);
    const list = missing.map((t) => `${t.fruit} (task ${t.id})`).join(", ");
    process.stderr.write(`${this.options.program}: all workers have died; ${missing.length} fruit${missing.length === 1 ? " was" : "s were"} not prepared: ${list}\n`);
    return 1;
  }

  private async giveTask(worker: number): Promise<void> {
    this.startedAt ??= performance.now();
    let task: Task | undefined;
    do task = this.tasksToDo.pop();
    while (task && this.prepared.has(task.id));
    const reply: TaskReply = task ?? (this.prepared.size < this.total ? { wait: true } : null);
    if (task) {
      this.leases.set(worker, { task, deadline: performance.now() + this.timeoutMs(task) });
      console.log(`${taskText(task)} envoyée en préparation à ${workerName(worker)} (reste ${this.tasksToDo.length})`);
    }
    if (reply === null) this.stopped.add(worker);
    // A worker that died just after asking cannot take the answer; its silence tells the rest.
    await this.comm.send(reply, worker, TAG_TASK).catch(() => {});
  }

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

  private requeueOverdue(): void {
    const now = performance.now();
    for (const [worker, lease] of this.leases) {
      if (now <= lease.deadline) continue;
      this.leases.delete(worker);
      if (this.prepared.has(lease.task.id)) continue;
      this.tasksToDo.push(lease.task);
      console.log(`${workerName(worker)} ne répond plus : remet ${taskText(lease.task)} dans le panier à préparer`);
      console.log(`REQUEUED ${lease.task.id} ${lease.task.fruit} from ${workerName(worker)} (no result after ${this.timeoutMs(lease.task).toFixed(0)} ms)`);
    }
  }

  private timeoutMs(task: Task): number {
    const units = this.options.timeoutUnits ?? 2 * task.units + 2;
    return Math.max(units * this.options.scale * 1000, MIN_TIMEOUT_MS);
  }
}
