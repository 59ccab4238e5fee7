// Conformance: one-sided calls pack/unpack the origin with its datatype and lay the target out with the target
// datatype, as comm.send does and as mpi4py does (checked against mpi4py + Open MPI): rank 0 works on rank 1's
// n×n INT32 window with a "transpose" origin type T (n columns, each a vector resized to one int).
import * as mpi from "tsmpi";

const comm = await mpi.init();
const n = 3;
const A = Int32Array.from({ length: n * n }, (_, i) => i);
const column = mpi.Datatype.resized(mpi.Datatype.vector(n, 1, n, mpi.INT32), 0, 4);
const T = mpi.Datatype.contiguous(n, column).commit();
const W = new Int32Array(n * n).fill(-1);
const win = await mpi.Win.create(W, comm);
const out: Record<string, unknown> = { rank: comm.rank };
const epoch = async (name: string, body: () => void) => {
  W.fill(comm.rank === 1 ? -1 : 100);
  await win.fence();
  if (comm.rank === 0) body();
  await win.fence();
  if (comm.rank === 1) out[name] = Array.from(W);
  await win.fence();
};
await epoch("putTransposed", () => win.put(mpi.buf(A, T, 1), 1, 0, mpi.INT32, n * n));
await epoch("putDefaultTarget", () => win.put(mpi.buf(A, T, 1), 1, 0)); // target type = origin type: a copy
await epoch("putTargetType", () => win.put(A, 1, 0, T, 1)); // contiguous origin, transposing target type
await epoch("accumulateTransposed", () => win.accumulate(mpi.buf(A, T, 1), 1, 0, mpi.SUM, mpi.INT32, n * n));
await epoch("accumulateReplace", () => win.accumulate(mpi.buf(A, T, 1), 1, 0, mpi.REPLACE, mpi.INT32, n * n));
const got = new Int32Array(n * n).fill(-1);
const old = new Int32Array(n * n).fill(-1);
W.set(A);
await win.fence();
if (comm.rank === 0) {
  win.get(mpi.buf(got, T, 1), 1, 0, mpi.INT32, n * n); // contiguous at the target, transposed into got
  win.getAccumulate(mpi.buf(A, T, 1), mpi.buf(old, T, 1), 1, 0, mpi.SUM, mpi.INT32, n * n);
}
await win.fence();
if (comm.rank === 0) Object.assign(out, { getTransposed: Array.from(got), getAccumulateOld: Array.from(old) });
if (comm.rank === 1) out.afterGetAccumulate = Array.from(W);
await win.free();
if (comm.rank === 0) await comm.send(mpi.buf(A, T, 1), 1);
if (comm.rank === 1) {
  const sent = new Int32Array(n * n);
  await comm.recvInto(mpi.buf(sent), 0);
  out.sent = Array.from(sent);
}
console.log(JSON.stringify(out));
await mpi.finalize();
