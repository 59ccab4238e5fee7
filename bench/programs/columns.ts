// Benchmark program (tsrun -np 2): rank 0 sends the 1000 columns of a 1000×1000 FLOAT64 matrix to rank 1,
// (a) with a vector datatype, (b) packed by hand into a Float64Array, (c) as 1000 contiguous rows (baseline).
// Rank 1 receives each into a contiguous Float64Array(1000). Median of 3 passes, printed by rank 0.
import * as mpi from "tsmpi";

const comm = await mpi.init();
const n = 1000;
const matrix = new Float64Array(n * n).map((_, i) => i);
const column = mpi.Datatype.vector(n, 1, n, mpi.FLOAT64).commit();
const into = new Float64Array(n);
const packed = new Float64Array(n);
const modes: [string, (j: number) => unknown][] = [
  ["vector type", (j) => mpi.buf(matrix, column, 1, j)],
  [
    "packed by hand",
    (j) => {
      for (let i = 0; i < n; i++) packed[i] = matrix[i * n + j];
      return mpi.buf(packed);
    },
  ],
  ["contiguous rows", (j) => mpi.buf(matrix, mpi.FLOAT64, n, j * n)],
];
for (const [mode, message] of modes) {
  const times: number[] = [];
  for (let pass = 0; pass < 4; pass++) {
    await comm.barrier();
    const t0 = performance.now();
    for (let j = 0; j < n; j++) {
      if (comm.rank === 0) await comm.send(message(j), 1, 0);
      else if (comm.rank === 1) await comm.recvInto(mpi.buf(into), 0, 0);
    }
    await comm.barrier();
    if (pass > 0) times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  if (comm.rank === 0) console.log(JSON.stringify({ mode, ms: times[1] }));
}
await mpi.finalize();
