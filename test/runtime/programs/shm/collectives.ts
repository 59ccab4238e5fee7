// Test program for the shared-memory collectives (runtime/collectives/shared.ts; see
// test/runtime/shm-collectives.test.ts): bcastInto, allreduceInto / allreduce of a TypedArray and
// allgatherInto of buffers large enough for the decision table to pick them on shm, every root, contiguous
// and strided types, IN_PLACE, a user commutative op, and data larger than a slab (the test shrinks the
// slabs). Each rank checks every result against the formula and prints one digest line per check, so the
// test can also compare the whole output with the same program's over processes.
import * as mpi from "tsmpi";
import { createHash } from "node:crypto";

const comm = await mpi.init();
const { rank, size: p } = comm;
const n = Number(process.argv[2] ?? 40_000); // elements per vector (≥ 16 KiB of doubles)
const failures: string[] = [];
const lines: string[] = [];

function check(name: string, got: ArrayBufferView, want: (i: number) => number): void {
  const a = got as unknown as ArrayLike<number>;
  let bad = -1;
  for (let i = 0; i < a.length && bad < 0; i++) if (a[i] !== want(i)) bad = i;
  if (bad >= 0) failures.push(`${name}: element ${bad} is ${a[bad]}, expected ${want(bad)}`);
  const digest = createHash("sha256").update(new Uint8Array(got.buffer, got.byteOffset, got.byteLength)).digest("hex").slice(0, 16);
  lines.push(`rank ${rank} ${name} ${digest}`);
}

const sumOfRanks = (p * (p - 1)) / 2;
for (let root = 0; root < p; root++) {
  const b = Float64Array.from({ length: n }, (_, i) => (rank === root ? root * 1e6 + i : -1));
  await comm.bcastInto(mpi.buf(b), root);
  check(`bcastInto root=${root}`, b, (i) => root * 1e6 + i);
}
// every second element of a matrix column-like stride: a non-contiguous type
const strided = mpi.Datatype.vector(n / 2, 1, 2, mpi.FLOAT64).commit();
const s = Float64Array.from({ length: n }, (_, i) => (rank === 0 || i % 2 === 1 ? i : -1));
await comm.bcastInto(mpi.buf(s, strided, 1), 0);
check("bcastInto strided", s, (i) => i);

const x = Int32Array.from({ length: n }, (_, i) => rank * 3 + (i % 1000));
const sum = new Int32Array(n);
await comm.allreduceInto(mpi.buf(x), mpi.buf(sum), mpi.SUM);
check("allreduceInto SUM int32", sum, (i) => 3 * sumOfRanks + p * (i % 1000));
const m = Float64Array.from({ length: n }, (_, i) => ((rank + i) % p) * 0.5);
await comm.allreduceInto(mpi.IN_PLACE, mpi.buf(m), mpi.MAX);
check("allreduceInto IN_PLACE MAX float64", m, () => (p - 1) * 0.5);
const value = (await comm.allreduce(Float64Array.from({ length: n }, (_, i) => i + rank))) as Float64Array;
check("allreduce Float64Array value", value, (i) => p * i + sumOfRanks);
const bitOr = mpi.Op.create((a: Int32Array, b: Int32Array) => {
  for (let i = 0; i < b.length; i++) b[i] |= a[i];
}, true);
const bits = Int32Array.from({ length: n }, (_, i) => 1 << ((rank + i) % 31));
const ored = new Int32Array(n);
await comm.allreduceInto(mpi.buf(bits), mpi.buf(ored), bitOr);
check("allreduceInto user op", ored, (i) => Array.from({ length: p }, (_, r) => 1 << ((r + i) % 31)).reduce((a, v) => a | v, 0));

const k = Math.ceil(n / p);
const mine = Float64Array.from({ length: k }, (_, i) => rank * 1e6 + i);
const gathered = new Float64Array(k * p);
await comm.allgatherInto(mpi.buf(mine), mpi.buf(gathered));
check("allgatherInto", gathered, (i) => Math.floor(i / k) * 1e6 + (i % k));
const inPlace = Float64Array.from({ length: k * p }, (_, i) => (Math.floor(i / k) === rank ? rank * 1e6 + (i % k) : -1));
await comm.allgatherInto(mpi.IN_PLACE, mpi.buf(inPlace));
check("allgatherInto IN_PLACE", inPlace, (i) => Math.floor(i / k) * 1e6 + (i % k));

// a nonblocking allreduce next to a blocking one (the nonblocking one never takes the slabs)
const nb = new Float64Array(n);
const request = comm.iallreduceInto(mpi.buf(Float64Array.from({ length: n }, () => 1)), mpi.buf(nb), mpi.SUM);
const blockingSum = new Int32Array(n);
await comm.allreduceInto(mpi.buf(x), mpi.buf(blockingSum), mpi.SUM);
await request.wait();
check("iallreduceInto beside allreduceInto", nb, () => p);
check("allreduceInto beside iallreduceInto", blockingSum, (i) => 3 * sumOfRanks + p * (i % 1000));

for (const line of lines) console.log(line);
console.log(`rank ${rank} ${failures.length ? `FAILED\n${failures.join("\n")}` : "all correct"}`);
await mpi.finalize();
