// Exercise 11.3 — Scatter-gather: mean of the cubes, in parallel and sequentially.
// Statement: rank 0 fills size×1024 random values in [-100, 100], scatters them, each rank cubes its part
// and computes its mean, rank 0 gathers the means and averages them; compare with a sequential run.
// Run:   tsrun -np 4 exercises/mpi/scatter-gather.ts [--seed 42] [--size 1024]
//        --size N: values per rank (default 1024); try 1000000 to see the speed-up grow with the work.
// Grade: npm run grade -- 11.3
// Output: "rank 0: parallel mean of cubes 1234.5… in 0.42 ms" and "rank 0: sequential mean of cubes
//         1234.5… in 0.10 ms (difference 1.1e-13)", then "rank 0: speed-up 0.24 (sequential 0.10 ms / parallel
//         0.42 ms) on 4 ranks, 1024 values each". Values: mulberry32(seed), value = -100 + 200 * next().
import * as mpi from "tsmpi";
import { mulberry32, numberOption, textOption } from "../common/args.ts";

const meanOfCubes = (xs: Float64Array) => xs.reduce((sum, x) => sum + x * x * x, 0) / xs.length;

const comm = await mpi.init();
const { rank, size } = comm;
const PART = numberOption("size", 1024);
if (!Number.isInteger(PART) || PART < 1)
  throw new Error(`--size takes the number of values per rank (a whole number ≥ 1), got ${textOption("size", "")}`);
const seed = numberOption("seed", 42);

let all: Float64Array | undefined;
if (rank === 0) {
  const next = mulberry32(seed);
  all = Float64Array.from({ length: size * PART }, () => -100 + 200 * next());
}
const t0 = mpi.wtime();
// SOLUTION BEGIN: scatter PART values to every rank (scatterInto from rank 0's `all`), compute the mean of the cubes of your part, and gather every rank's mean into `means` at rank 0 (gatherInto)
// STARTER: const means = rank === 0 ? new Float64Array(size) : undefined;
const part = new Float64Array(PART);
await comm.scatterInto(all ? mpi.buf(all) : undefined, mpi.buf(part), 0);
const means = rank === 0 ? new Float64Array(size) : undefined; // only the root holds the gathered means
await comm.gatherInto(mpi.buf(Float64Array.of(meanOfCubes(part))), means ? mpi.buf(means) : undefined, 0);
// SOLUTION END

if (rank === 0) {
  const parallel = means!.reduce((a, b) => a + b, 0) / size;
  const parallelMs = (mpi.wtime() - t0) * 1000;
  const t1 = mpi.wtime();
  const sequential = meanOfCubes(all!);
  const sequentialMs = (mpi.wtime() - t1) * 1000;
  console.log(`rank 0: parallel mean of cubes ${parallel} in ${parallelMs.toFixed(2)} ms`);
  console.log(
    `rank 0: sequential mean of cubes ${sequential} in ${sequentialMs.toFixed(2)} ms (difference ${Math.abs(parallel - sequential).toExponential(1)})`,
  );
  console.log(
    `rank 0: speed-up ${(sequentialMs / parallelMs).toFixed(2)} (sequential ${sequentialMs.toFixed(2)} ms / parallel ${parallelMs.toFixed(2)} ms) on ${size} ranks, ${PART} values each`,
  );
}
await mpi.finalize();
