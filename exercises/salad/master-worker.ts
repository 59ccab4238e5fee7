// Salad exercise S1 (seed 000 part 1, exercises 3–5: "programmer le maître / l'esclave"): the fruit salad
// prepared by 1 master and N workers over tsmpi point-to-point messages. The master (rank 0, in
// mpi/master.ts) keeps the tasks to do and the tasks being done; it answers give_task with one task (or
// null when none is left, which stops the worker) and counts each receive_result. A worker (below) asks,
// prepares, sends the result, asks again. With 3 workers the salad takes about a third of the sequential
// 26 time units (9 units with the handout's order).
//
//   tsrun -np 4 exercises/salad/master-worker.ts [--time-scale X]
//
// Output: the handout's French lines, and for graders `PREPARED <id> <fruit> by worker-<rank>` per result
// (printed by the master) and `TOTAL <units>` (from the first give_task to the last result).
import * as mpi from "tsmpi";
import { prepare, timeScale, type Task } from "./fruits.ts";
import {
  TAG_GIVE_TASK,
  TAG_RESULT,
  TAG_TASK,
  programOptions,
  requireWorkers,
  workerName,
  type ResultMessage,
} from "./mpi/common.ts";
import { runMaster, scaleOption } from "./mpi/master.ts";

const PROGRAM = "master-worker";
const USAGE = "tsrun -np 4 exercises/salad/master-worker.ts [--time-scale X]";

/** A worker (the handout's esclave.py): ask for a task, prepare it, send the result, until the master answers null. */
async function worker(comm: mpi.Intracomm, scale: number): Promise<void> {
  // SOLUTION BEGIN: until the master answers null: ask for a task (TAG_GIVE_TASK), receive it (TAG_TASK), print "[NAME] 1 FRUIT en préparation (Us)...", prepare it, send {id, result} (TAG_RESULT)
  for (;;) {
    await comm.send(null, 0, TAG_GIVE_TASK); // ask_task
    const task = (await comm.recv(0, TAG_TASK)) as Task | null;
    if (!task) return;
    console.log(`[${workerName(comm.rank)}] 1 ${task.fruit} en préparation (${task.units}s)...`);
    const result = await prepare(task, scale);
    await comm.send({ id: task.id, result } satisfies ResultMessage, 0, TAG_RESULT); // send_result
  }
  // SOLUTION END
}

const comm = await mpi.init();
const options = programOptions(PROGRAM, comm.rank, { "time-scale": { type: "string" } }, USAGE);
const scale = scaleOption(PROGRAM, comm.rank, options["time-scale"] as string | undefined, timeScale);
requireWorkers(PROGRAM, comm.size);
if (comm.rank === 0) await runMaster(comm, scale);
else await worker(comm, scale);
await mpi.finalize();
