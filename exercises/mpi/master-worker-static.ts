// Exercise 12.4 — Static master/worker with collectives.
// Statement: the master splits T tasks among the workers once and for all (scatter), each worker computes
// its share, and the master collects every result (gather).
// Run:   tsrun -np 4 exercises/mpi/master-worker-static.ts [--tasks 20] [--seed 42]
// Grade: npm run grade -- 12.4
// Output: "task 7: result 51234 (rank 2)" for every task, then "rank 2 computed 7 tasks" per rank.
// Task t is an int32 array of 100 values floor(1000 * next()) with next = mulberry32(seed + t); its result
// is the sum of the array (the grader recomputes both). Rank 0 is the master; with -np 1 it works alone.
import * as mpi from "tsmpi";
import { mulberry32, numberOption } from "../common/args.ts";

interface Task {
  id: number;
  data: Int32Array;
}
interface Result {
  id: number;
  value: number;
  rank: number;
}
const makeTask = (id: number, seed: number): Task => {
  const next = mulberry32(seed + id);
  return { id, data: Int32Array.from({ length: 100 }, () => Math.floor(1000 * next())) };
};

const comm = await mpi.init();
const { rank, size } = comm;
const [T, seed] = [numberOption("tasks", 20), numberOption("seed", 42)];

// SOLUTION BEGIN: rank 0 splits the T tasks among the workers (task t to worker 1 + t mod workers; all to itself at -np 1); one scatter, every rank computes its tasks' results, one gather to rank 0
// STARTER: const all: Result[][] | undefined = rank === 0 ? [] : undefined;
// the master's static split: task t goes to worker 1 + (t mod workers); the master keeps none
let shares: Task[][] | undefined;
if (rank === 0) {
  const workers = Math.max(1, size - 1);
  shares = Array.from({ length: size }, () => [] as Task[]);
  for (let t = 0; t < T; t++) shares[size === 1 ? 0 : 1 + (t % workers)].push(makeTask(t, seed));
}
const mine = (await comm.scatter(shares, 0)) as Task[];
const results: Result[] = mine.map((task) => ({ id: task.id, value: task.data.reduce((a, b) => a + b, 0), rank }));
const all = (await comm.gather(results, 0)) as Result[][] | undefined;
// SOLUTION END

if (rank === 0) {
  const done = all!.flat().sort((a, b) => a.id - b.id);
  for (const r of done) console.log(`task ${r.id}: result ${r.value} (rank ${r.rank})`);
  all!.forEach((list, r) => console.log(`rank ${r} computed ${list.length} tasks`));
}
await mpi.finalize();
