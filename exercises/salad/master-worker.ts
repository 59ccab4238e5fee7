// Salad exercise S1 (seed 000 part 1, exercises 3–5: "programmer le maître / l'esclave"): the fruit salad
// prepared by 1 master and N workers over tsmpi point-to-point messages. The master (rank 0) keeps the
// tasks to do and the tasks being done; it answers give_task with one task (or null when none is left,
// which stops the worker) and counts each receive_result. Workers ask, prepare, send the result, ask
// again. With 3 workers the salad takes about a third of the sequential 26 time units.
//
//   node launcher/bin/tsrun.mjs -np 4 exercises/salad/master-worker.ts [--time-scale X]
//
// Output: the handout's French lines, and for graders `PREPARED <id> <fruit> by worker-<rank>` per result
// (printed by the master) and `TOTAL <units>` (from the first give_task to the last result).
import * as mpi from "tsmpi";
import { prepare, preparedLine, saladTasks, timeScale, totalLine, type Task } from "./fruits.ts";
import { TAG_GIVE_TASK, TAG_RESULT, TAG_TASK, programOptions, requireWorkers, taskText, workerName, type ResultMessage } from "./mpi/common.ts";

const PROGRAM = "master-worker";
const USAGE = "tsrun -np 4 exercises/salad/master-worker.ts [--time-scale X]";

/** The master: serves give_task and receive_result until every worker has been told to stop. */
async function master(comm: mpi.Intracomm, scale: number): Promise<void> {
  const tasksToDo = saladTasks();
  const tasksBeingDone = new Map<number, Task>();
  let workersLeft = comm.size - 1;
  let startedAt: number | null = null;
  while (workersLeft > 0) {
    const status = new mpi.Status();
    const message = await comm.recv(mpi.ANY_SOURCE, mpi.ANY_TAG, status);
    const worker = status.source;
    if (status.tag === TAG_GIVE_TASK) {
      startedAt ??= performance.now();
      const task = tasksToDo.pop() ?? null; // the handout's pop(): from the end of the list
      if (task) {
        tasksBeingDone.set(task.id, task);
        console.log(`${taskText(task)} envoyée en préparation à ${workerName(worker)} (reste ${tasksToDo.length})`);
      } else {
        workersLeft--;
      }
      await comm.send(task, worker, TAG_TASK);
    } else if (status.tag === TAG_RESULT) {
      const { id, result } = message as ResultMessage;
      const task = tasksBeingDone.get(id);
      if (!task) throw new Error(`receive_result: ${workerName(worker)} returned task ${id}, which is not being prepared`);
      tasksBeingDone.delete(id);
      console.log(`${result} reçue de ${workerName(worker)}`);
      console.log(preparedLine(task, workerName(worker)));
      if (tasksToDo.length === 0 && tasksBeingDone.size === 0) {
        const ms = performance.now() - (startedAt ?? performance.now());
        console.log("La salade est prête ! Bonne dégustation !");
        console.log(`Temps de préparation : ${(ms / 1000 / scale).toFixed(1)} unités (${(ms / 1000).toFixed(2)} s)`);
        console.log(totalLine(ms, scale));
      }
    }
  }
}

/** A worker: ask for a task, prepare it, send the result, until the master answers null. */
async function worker(comm: mpi.Intracomm, scale: number): Promise<void> {
  for (;;) {
    await comm.send(null, 0, TAG_GIVE_TASK);
    const task = (await comm.recv(0, TAG_TASK)) as Task | null;
    if (!task) return;
    console.log(`[${workerName(comm.rank)}] 1 ${task.fruit} en préparation (${task.units}s)...`);
    const result = await prepare(task, scale);
    await comm.send({ id: task.id, result } satisfies ResultMessage, 0, TAG_RESULT);
  }
}

const comm = await mpi.init();
const options = programOptions(PROGRAM, comm.rank, { "time-scale": { type: "string" } }, USAGE);
let scale = 1;
try {
  scale = timeScale(options["time-scale"] as string | undefined);
} catch (err) {
  if (comm.rank === 0) process.stderr.write(`${PROGRAM}: ${(err as Error).message}\n`);
  process.exit(2);
}
requireWorkers(PROGRAM, comm.size);
if (comm.rank === 0) await master(comm, scale);
else await worker(comm, scale);
await mpi.finalize();
