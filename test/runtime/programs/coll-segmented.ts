// Large-buffer bcast and reduce (several 64 KiB segments, the last one partial) at every root, checked
// against a sequential oracle: contiguous and non-contiguous bcast, SUM, IN_PLACE, a non-commutative op
// (rank order must survive the chain) and MAXLOC pairs. Run under the default table and with
// --coll bcast=pipeline,reduce=pipeline (test/runtime/collectives-segmented.test.ts). One JSON line on rank 0.
import * as mpi from "tsmpi";
import { Checks, range } from "./coll-check.ts";

const comm = await mpi.init();
const rank = comm.rank;
const p = comm.size;
const C = new Checks(rank);
const all = range(p);
const N = 40_003; // doubles: 320 024 bytes, five segments and a partial one
const f64 = (n: number, f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
const val = (r: number, i: number) => r * 1_000_000 + i;
/** Composition of affine maps (m, c) pairs: non-commutative; the c of the result spells the ranks in order. */
const digits = mpi.Op.create((a: Float64Array, b: Float64Array) => {
  for (let i = 0; i < b.length; i += 2) {
    const m = a[i] * b[i];
    b[i + 1] = b[i] * a[i + 1] + b[i + 1];
    b[i] = m;
  }
}, false);
const digit = (r: number, i: number) => (i % 2 === 0 ? 10 : (r + (i >> 1)) % 10);
const digitFold = (i: number) => (i % 2 === 0 ? 10 ** p : all.reduce((acc, r) => acc * 10 + digit(r, i), 0));

function samePairs(bytes: Uint8Array, want: (k: number) => [number, number]): boolean {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let k = 0; k < bytes.length / 16; k++) {
    const [v, i] = want(k);
    if (dv.getFloat64(k * 16, true) !== v || dv.getInt32(k * 16 + 8, true) !== i) return false;
  }
  return true;
}

for (let root = 0; root < p; root++) {
  const isRoot = rank === root;
  const at = `root=${root}`;
  const b = isRoot ? f64(N, (i) => val(root, i)) : new Float64Array(N);
  await comm.bcastInto(mpi.buf(b), root);
  C.eq(`bcastInto ${N} doubles ${at}`, b, f64(N, (i) => val(root, i)));

  const rows = 12_001; // a column of a rows×3 matrix: 96 008 bytes packed, non-contiguous in memory
  const column = mpi.Datatype.vector(rows, 1, 3, mpi.FLOAT64).commit();
  const m = f64(rows * 3, (i) => (isRoot ? val(root, i) : -1));
  await comm.bcastInto(mpi.buf(m, column, 1, 1), root);
  C.eq(`bcastInto column ${at}`, m, f64(rows * 3, (i) => (isRoot || i % 3 === 1 ? val(root, i) : -1)));

  const sum = new Float64Array(N).fill(-1);
  await comm.reduceInto(mpi.buf(f64(N, (i) => val(rank, i))), isRoot ? mpi.buf(sum) : null, mpi.SUM, root);
  if (isRoot) C.eq(`reduceInto SUM ${at}`, sum, f64(N, (i) => all.reduce((a, r) => a + val(r, i), 0)));

  const inPlace = f64(N, (i) => val(rank, i) % 977);
  await comm.reduceInto(isRoot ? mpi.IN_PLACE : mpi.buf(inPlace), isRoot ? mpi.buf(inPlace) : null, mpi.MAX, root);
  if (isRoot) C.eq(`reduceInto IN_PLACE MAX ${at}`, inPlace, f64(N, (i) => Math.max(...all.map((r) => val(r, i) % 977))));

  const K = 2 * 20_000; // (m, c) pairs of doubles
  const folded = new Float64Array(K);
  await comm.reduceInto(mpi.buf(f64(K, (i) => digit(rank, i))), isRoot ? mpi.buf(folded) : null, digits, root);
  if (isRoot) C.eq(`reduceInto non-commutative ${at}`, folded, f64(K, digitFold));

  const pairsN = 9_001; // FLOAT64_INT pairs
  const mine = new Uint8Array(pairsN * 16);
  const dv = new DataView(mine.buffer);
  for (let k = 0; k < pairsN; k++) { dv.setFloat64(k * 16, (rank + k) % p, true); dv.setInt32(k * 16 + 8, rank, true); }
  const loc = new Uint8Array(pairsN * 16);
  await comm.reduceInto(mpi.buf(mine, mpi.FLOAT64_INT, pairsN), isRoot ? mpi.buf(loc, mpi.FLOAT64_INT, pairsN) : null, mpi.MAXLOC, root);
  // the largest value is p - 1, held by the rank r with (r + k) % p = p - 1
  if (isRoot) C.eq(`reduceInto MAXLOC pairs ${at}`, samePairs(loc, (k) => [p - 1, (((p - 1 - k) % p) + p) % p]), true);
}

await C.report(comm, { coll: process.env.TSMPI_COLL ?? "auto" });
await mpi.finalize();
