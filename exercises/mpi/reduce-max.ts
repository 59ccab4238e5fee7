// Exercise 11.2 — Reduction: the maximum of the local maxima, at rank 0.
// Statement: each rank fills 1014 random values in [0, 100) from its own seed, computes its maximum,
// and one collective (reduce with MAX) brings the maximum of the maxima to rank 0.
// Run:   tsrun -np 4 exercises/mpi/reduce-max.ts [--seed 42]
// Grade: npm run grade -- 11.2
// Output: "rank 1: local max 99.87…" per rank, then "rank 0: max of maxima 99.99… over 4 ranks".
// Values: rank r uses mulberry32(seed + r) and value i = 100 * next() (the grader recomputes them).
import * as mpi from "tsmpi";
import { mulberry32, numberOption } from "../common/args.ts";

const comm = await mpi.init();
const seed = numberOption("seed", 42);
const next = mulberry32(seed + comm.rank); // a different seed on every rank
const values = Float64Array.from({ length: 1014 }, () => 100 * next());
// SOLUTION BEGIN: the maximum of `values`, then the maximum of every rank's maximum at rank 0 with one collective
// STARTER: const localMax = 0;
// STARTER: const globalMax = 0;
const localMax = values.reduce((m, v) => Math.max(m, v), -Infinity);
console.log(`rank ${comm.rank}: local max ${localMax}`);
const globalMax = await comm.reduce(localMax, mpi.MAX, 0);
// SOLUTION END
if (comm.rank === 0) console.log(`rank 0: max of maxima ${globalMax} over ${comm.size} ranks`);
await mpi.finalize();
