// Exercise 12.5 — Dynamic master/worker in pull mode.
// Statement: workers ask the master for work at start and whenever they return a result; the master
// answers each request with a task (an int32 array) while tasks remain, then with a stop message.
// Run:   tsrun -np 4 exercises/mpi/master-worker-dynamic.ts [--tasks 24] [--seed 42] [--work-ms 10]
//        [--slow-rank 1 --slow-ms 1000]      (make one worker slow: it then takes fewer tasks)
// Grade: npm run grade -- 12.5
// Output: "task 7: result 51234 (worker 2)" for every task, then "worker 2 did 11 tasks" per worker.
// Task t: 100 values floor(1000 * next()), next = mulberry32(seed + t); result = the sum. Each task also
// waits --work-ms (a stand-in for computing), the slow rank --slow-ms instead: the grader uses 10 ms and
// 1000 ms, so the fast workers finish every other task long before the slow one returns its first —
// a 100× gap that holds on a loaded machine. Requires -np 2 or more (rank 0 is only the master).
import * as mpi from "tsmpi";
import { mulberry32, numberOption } from "../common/args.ts";

const TAG_REQUEST = 1; // worker → master: {result} or {result: null} at start
const TAG_TASK = 2; // master → worker: {id, data}
const TAG_STOP = 3; // master → worker: no more work
interface Task {
  id: number;
  data: Int32Array;
}
interface Request {
  result: { id: number; value: number } | null;
}

const comm = await mpi.init();
const { rank, size } = comm;
if (size < 2) throw new Error("the master needs at least one worker: run with -np 2 or more");
const [T, seed, workMs] = [numberOption("tasks", 24), numberOption("seed", 42), numberOption("work-ms", 10)];
const [slowRank, slowMs] = [numberOption("slow-rank", -1), numberOption("slow-ms", 1000)];

if (rank === 0) {
  // SOLUTION BEGIN: the master: answer every worker's request (TAG_REQUEST, any source) with the next task (TAG_TASK) or TAG_STOP when none is left; record each result; print the task lines in task order and each worker's count
  let nextTask = 0;
  let working = size - 1;
  const doneBy = new Array<number>(size).fill(0);
  const lines: string[] = [];
  while (working > 0) {
    const status = new mpi.Status();
    const { result } = (await comm.recv(mpi.ANY_SOURCE, TAG_REQUEST, status)) as Request;
    const worker = status.source;
    if (result) {
      lines[result.id] = `task ${result.id}: result ${result.value} (worker ${worker})`;
      doneBy[worker]++;
    }
    if (nextTask < T) {
      const next = mulberry32(seed + nextTask);
      const task: Task = { id: nextTask++, data: Int32Array.from({ length: 100 }, () => Math.floor(1000 * next())) };
      await comm.send(task, worker, TAG_TASK);
    } else {
      await comm.send(null, worker, TAG_STOP);
      working--;
    }
  }
  for (const line of lines) console.log(line);
  for (let w = 1; w < size; w++) console.log(`worker ${w} did ${doneBy[w]} tasks`);
  // SOLUTION END
} else {
  // SOLUTION BEGIN: a worker: send a request (with the previous result, null at first), receive a task or the stop, compute the sum, wait `pause` ms, repeat
  const pause = rank === slowRank ? slowMs : workMs;
  let request: Request = { result: null };
  for (;;) {
    await comm.send(request, 0, TAG_REQUEST);
    const status = new mpi.Status();
    const task = (await comm.recv(0, mpi.ANY_TAG, status)) as Task | null;
    if (status.tag === TAG_STOP) break;
    const value = task!.data.reduce((a, b) => a + b, 0);
    await new Promise((resolve) => setTimeout(resolve, pause)); // the task's computing time
    request = { result: { id: task!.id, value } };
  }
  // SOLUTION END
}
await mpi.finalize();
