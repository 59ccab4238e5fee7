// Exercise 13.3 — Reproducible randomness: one rank publishes a seed in a window, the others read it.
// Statement: rank 0 draws a seed and stores it in memory the others can access; each other rank reads it
// with a get under a shared lock (passive target: rank 0 takes no part) and generates the same array.
// Run:   tsrun -np 4 exercises/mpi/rma-seed.ts [--seed 1234]     (without --seed: from the clock)
// Grade: npm run grade -- 13.3
// Output: per rank "rank 2: seed 1234, 1000 values, first 0.5134… 0.0871… 0.9443…, sum 498.2…"
// Array: 1000 values next() with next = mulberry32(seed). The drawback against broadcasting the seed:
// nothing tells a reader that the seed is already there; here it is, because rank 0 stores it before
// the window's (collective) creation.
import * as mpi from "tsmpi";
import { mulberry32, numberOption } from "../common/args.ts";

const comm = await mpi.init();
const { rank } = comm;
const published = new Uint32Array(1);
if (rank === 0) published[0] = numberOption("seed", Date.now() % 2 ** 32);
const win = await mpi.Win.create(published, comm);

let seed = published[0];
// SOLUTION BEGIN: every rank but 0 reads the seed from rank 0's window: a get under a shared lock (rank 0 does nothing)
if (rank !== 0) {
  const got = new Uint32Array(1);
  await win.lock(0, mpi.LOCK_SHARED);
  win.get(got, 0, 0);
  await win.unlock(0); // the get is complete once unlock returns
  seed = got[0];
}
// SOLUTION END
const next = mulberry32(seed);
const values = Float64Array.from({ length: 1000 }, () => next());
const sum = values.reduce((a, b) => a + b, 0);
console.log(
  `rank ${rank}: seed ${seed}, ${values.length} values, first ${values[0]} ${values[1]} ${values[2]}, sum ${sum}`,
);
await win.free();
await mpi.finalize();
