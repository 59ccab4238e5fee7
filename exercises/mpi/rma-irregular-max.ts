// Exercise 13.4 — Irregular maximum: each rank accumulates its maximum into rank 0's window.
// Statement: every rank draws an array of random size 100..100000 and computes its maximum; instead of a
// reduce where fast ranks wait for slow ones, each one accumulates (MAX) into rank 0 and bumps a counter.
// Run:   tsrun -np 4 exercises/mpi/rma-irregular-max.ts [--seed 42]
// Grade: npm run grade -- 13.4
// Output: "rank 2: 53127 values, local max 0.99998…" per rank, then "rank 0: global max 0.99999… from
//         4 ranks (counter 4)". Rank r: next = mulberry32(seed + r), size = 100 + floor(99901 * next()),
//         then that many values next(). Rank 0's window is [max, counter] (float64).
import * as mpi from "tsmpi";
import { mulberry32, numberOption } from "../common/args.ts";

const comm = await mpi.init();
const { rank, size } = comm;
const seed = numberOption("seed", 42);
const next = mulberry32(seed + rank);
const values = Float64Array.from({ length: 100 + Math.floor(99901 * next()) }, () => next());
const localMax = values.reduce((m, v) => Math.max(m, v), -Infinity);
console.log(`rank ${rank}: ${values.length} values, local max ${localMax}`);

const cells = Float64Array.of(-Infinity, 0); // at rank 0: [global max, number of ranks that reported]
const win = await mpi.Win.create(cells, comm);
// SOLUTION BEGIN: accumulate localMax (MAX) into cell 0 and 1 (SUM) into cell 1 of rank 0's window, in one exclusive-lock epoch
await win.lock(0, mpi.LOCK_EXCLUSIVE); // each rank reports as soon as it is ready, nobody waits for others
win.accumulate(Float64Array.of(localMax), 0, 0, mpi.MAX);
win.accumulate(Float64Array.of(1), 0, 1, mpi.SUM);
await win.unlock(0);
// SOLUTION END

if (rank === 0) {
  // SOLUTION BEGIN: rank 0 reads its own window (under a lock) until the counter says every rank has reported
  // STARTER: const seen = new Float64Array(2);
  const seen = new Float64Array(2);
  for (;;) {
    await win.lock(0, mpi.LOCK_SHARED); // reading my own window also goes through an epoch
    win.get(seen, 0, 0);
    await win.unlock(0);
    if (seen[1] === size) break;
    await new Promise((resolve) => setTimeout(resolve, 1)); // let the others' accumulates in
  }
  // SOLUTION END
  console.log(`rank 0: global max ${seen[0]} from ${size} ranks (counter ${seen[1]})`);
}
await win.free();
await mpi.finalize();
