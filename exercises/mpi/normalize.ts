// Exercise 11.7 — Normalising a distributed matrix by its global maximum.
// Statement: every rank holds a random M×N submatrix, finds its largest element; one collective
// (allreduce with MAX) gives every rank the global maximum, and each divides its submatrix by it.
// Run:   tsrun -np 4 exercises/mpi/normalize.ts [--rows 4] [--cols 5] [--seed 42]
// Grade: npm run grade -- 11.7
// Output: per rank "rank 2: local max 987.6…, global max 999.1…, max after normalisation 0.988…"
// Values: rank r uses mulberry32(seed + r), element = 1000 * next(), row by row (the grader recomputes).
import * as mpi from "tsmpi";
import { mulberry32, numberOption } from "../common/args.ts";

const comm = await mpi.init();
const [M, N, seed] = [numberOption("rows", 4), numberOption("cols", 5), numberOption("seed", 42)];
const next = mulberry32(seed + comm.rank);
const matrix = Float64Array.from({ length: M * N }, () => 1000 * next()); // row-major M×N

// SOLUTION BEGIN: the local maximum, the global maximum on every rank with one collective, then divide the submatrix by it
// STARTER: const localMax = 0;
// STARTER: const globalMax = 1;
const localMax = matrix.reduce((m, v) => Math.max(m, v), -Infinity);
const globalMax = await comm.allreduce(localMax, mpi.MAX);
for (let i = 0; i < matrix.length; i++) matrix[i] /= globalMax;
// SOLUTION END
const after = matrix.reduce((m, v) => Math.max(m, v), -Infinity);
console.log(`rank ${comm.rank}: local max ${localMax}, global max ${globalMax}, max after normalisation ${after}`);
await mpi.finalize();
