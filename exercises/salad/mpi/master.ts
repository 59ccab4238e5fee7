// The salad's master over tsmpi (exercises S1 and S4; seed 000 part 1, exercise 3 "programmer le maître"):
// rank 0 keeps the tasks to do and the tasks being done, and serves its two "methods" as messages:
// give_task (TAG_GIVE_TASK) answers one task, or null when none is left (the worker then stops), and
// receive_result (TAG_RESULT) takes a prepared fruit out of the tasks being done. It ends once every worker
// has been told to stop. Prints `PREPARED <id> <fruit> by worker-<r>` per result and `TOTAL <units>` (from
// the first give_task to the last result) for the graders, and the handout's French lines.
import * as mpi from "tsmpi";
import { preparedLine, saladTasks, totalLine, type Task } from "../fruits.ts";
import { TAG_GIVE_TASK, TAG_RESULT, TAG_TASK, taskText, workerName, type ResultMessage } from "./common.ts";

/** Serves give_task and receive_result until every worker of `comm` (ranks 1..size-1) has been told to stop. */
export async function runMaster(comm: mpi.Intracomm, scale: number): Promise<void> {
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
      if (!task)
        throw new Error(`receive_result: ${workerName(worker)} returned task ${id}, which is not being prepared`);
      tasksBeingDone.delete(id);
      console.log(`${result} reçue de ${workerName(worker)}`);
      console.log(preparedLine(task, workerName(worker)));
      if (tasksToDo.length === 0 && tasksBeingDone.size === 0)
        saladReady(performance.now() - (startedAt ?? performance.now()), scale);
    }
  }
}

/** The handout's closing lines and the graders' TOTAL. */
export function saladReady(ms: number, scale: number): void {
  console.log("La salade est prête ! Bonne dégustation !");
  console.log(`Temps de préparation : ${(ms / 1000 / scale).toFixed(1)} unités (${(ms / 1000).toFixed(2)} s)`);
  console.log(totalLine(ms, scale));
}

/** The program's time scale (--time-scale X, else TSMPI_SALAD_TIME_SCALE, else 1), or a one-line error and exit 2. */
export function scaleOption(
  program: string,
  rank: number,
  value: string | undefined,
  timeScale: (v?: string) => number,
): number {
  try {
    return timeScale(value);
  } catch (err) {
    if (rank === 0) process.stderr.write(`${program}: ${(err as Error).message}\n`);
    process.exit(2);
  }
}
