// Exercise S6, the naive master students run first (seed 002, "Alerte générale ! Une panne !"): the plain
// master/worker master with workers that crash. It hands out tasks and waits for results with a blocking
// receive; the fruit a dead worker held never comes back, so once the other workers are told to stop it
// waits forever. `tsrun --timeout S` shows it: the job is stopped after S seconds and rank 0 is reported
// blocked in recv. The remedy is the timeout of timeout-master.ts.
import * as mpi from "tsmpi";
import { preparedLine, saladTasks, type Task } from "../fruits.ts";
import { TAG_GIVE_TASK, TAG_RESULT, TAG_TASK, taskText, workerName, type ResultMessage } from "./common.ts";
import { saladReady } from "./master.ts";
import type { FaultTolerantOptions } from "./ft-master-algorithm.ts";

export class NaiveMaster {
  constructor(
    readonly comm: mpi.Intracomm,
    readonly options: FaultTolerantOptions,
  ) {}

  async run(): Promise<number> {
    const tasks: Task[] = saladTasks();
    const total = tasks.length;
    let prepared = 0;
    const started = performance.now();
    const status = new mpi.Status();
    while (prepared < total) {
      const message = await this.comm.recv(mpi.ANY_SOURCE, mpi.ANY_TAG, status); // blocks forever once results are lost
      const worker = status.source;
      if (status.tag === TAG_GIVE_TASK) {
        const task = tasks.pop() ?? null;
        if (task)
          console.log(`${taskText(task)} envoyée en préparation à ${workerName(worker)} (reste ${tasks.length})`);
        await this.comm.send(task, worker, TAG_TASK);
      } else if (status.tag === TAG_RESULT) {
        const { id, result } = message as ResultMessage;
        prepared++;
        console.log(`${result} reçue de ${workerName(worker)}`);
        console.log(preparedLine(saladTasks()[id], workerName(worker)));
      }
    }
    saladReady(performance.now() - started, this.options.scale);
    return 0;
  }
}
