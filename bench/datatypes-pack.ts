// Benchmark of the datatype packing layer (issue 5, MPI-4 §5.1.11): packing every column of a 1000×1000
// FLOAT64 matrix with a vector type, against a naive element loop written in user code and against copying
// a contiguous row of the same size (the floor), plus unpacking a column and the whole transposition
// with one resized-vector spec. Prints one JSON line per case (median of repetitions) and one of ratios.
// Run: npx tsx bench/datatypes-pack.ts [--reps 9] [--only case1,case2]
import { Datatype, FLOAT64, buf, pack } from "../runtime/index.ts";
import { packBuf, unpackBuf } from "../runtime/internal.ts";

const N = 1000;
const argValue = (name: string) =>
  process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined;
const reps = Number(argValue("--reps")) || 9;
const only = argValue("--only");

const matrix = Float64Array.from({ length: N * N }, (_, i) => i);
const column = Datatype.vector(N, 1, N, FLOAT64).commit();
const columnAsItem = Datatype.resized(column, 0, 8).commit();
const out = new Float64Array(N);
const outBytes = new Uint8Array(out.buffer);

/** Median milliseconds of `reps` timed runs of fn (after one warm-up run). */
function median(fn: () => void): number {
  fn();
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** The loop a user writes by hand to pack one column. */
function packColumnByHand(m: Float64Array, n: number, c: number, into: Float64Array): void {
  for (let r = 0; r < n; r++) into[r] = m[r * n + c];
}

// the hand loop gets the matrix through a variable, as in a user's function (not a compile-time constant)
const arrays: { matrix: Float64Array; out: Float64Array } = { matrix, out };

let checksum = 0;
const cases: Record<string, () => void> = {
  // one vector spec per column, packed into a fresh message
  "vector-column": () => {
    for (let c = 0; c < N; c++) checksum += packBuf(buf(matrix, column, 1, c))[8];
  },
  // what a user writes by hand: one element at a time, into a fresh message
  "naive-loop-column": () => {
    for (let c = 0; c < N; c++) {
      const packed = new Float64Array(N);
      packColumnByHand(arrays.matrix, N, c, packed);
      checksum += packed[1];
    }
  },
  // the same two without allocating: MPI_Pack into one reused buffer vs the hand loop into one array
  "vector-column-pack-into": () => {
    for (let c = 0; c < N; c++) pack(buf(matrix, column, 1, c), outBytes, 0);
  },
  "naive-loop-column-into": () => {
    for (let c = 0; c < N; c++) packColumnByHand(arrays.matrix, N, c, arrays.out);
  },
  // the floor: a contiguous row of the same size, copied into a fresh message
  "contiguous-row-copy": () => {
    for (let r = 0; r < N; r++) checksum += packBuf(buf(matrix, FLOAT64, N, r * N)).slice()[8];
  },
  "vector-column-unpack": () => {
    for (let c = 0; c < N; c++) unpackBuf(outBytes, buf(matrix, column, 1, c));
  },
  // every column at once: 1000 items of a column resized to one element = the transposed matrix
  "transpose-one-spec": () => {
    checksum += packBuf(buf(matrix, columnAsItem, N, 0))[8];
  },
};

const results: Record<string, number> = {};
for (const [name, fn] of Object.entries(cases)) {
  if (only && !only.split(",").includes(name)) continue;
  const ms = median(fn);
  results[name] = ms;
  const bytes = N * N * 8;
  console.log(
    JSON.stringify({
      bench: "datatypes-pack",
      case: name,
      msPerMatrix: +ms.toFixed(3),
      usPerColumn: +((ms * 1000) / N).toFixed(3),
      GBps: +(bytes / ms / 1e6).toFixed(3),
      reps,
    }),
  );
}
console.log(
  JSON.stringify({
    bench: "datatypes-pack",
    ratios: {
      vectorOverNaiveLoop: +(results["vector-column"] / results["naive-loop-column"]).toFixed(2),
      packIntoOverNaiveLoopInto: +(results["vector-column-pack-into"] / results["naive-loop-column-into"]).toFixed(2),
      vectorOverContiguousRow: +(results["vector-column"] / results["contiguous-row-copy"]).toFixed(2),
      transposeOneSpecOverNaiveLoop: +(results["transpose-one-spec"] / results["naive-loop-column"]).toFixed(2),
    },
    checksum: checksum > 0,
  }),
);
