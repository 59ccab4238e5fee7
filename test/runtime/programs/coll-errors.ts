// Bad input to collectives: every rank gets the error (no hang), the message names the call, the rank and
// the numbers, and the collectives that follow still get the right data: root out of range → ERR_ROOT,
// an op that does not fit the data → ERR_OP, buffers that do not fit → ERR_COUNT / ERR_TRUNCATE naming
// the rank the block came from, IN_PLACE where MPI forbids it and bad split colours → ERR_ARG.
import * as mpi from "tsmpi";
import { Checks, range } from "./coll-check.ts";

const comm = await mpi.init();
const rank = comm.rank;
const p = comm.size;
const C = new Checks(rank);
const all = range(p);

await C.throws("bcast root=size", "ERR_ROOT", new RegExp(`bcast\\(root=${p}\\) on rank ${rank}: root out of range \\(${p} vs expected 0\\.\\.${p - 1}\\)`), () => comm.bcast(1, p));
await C.throws("reduce root=-1", "ERR_ROOT", /root out of range/, () => comm.reduce(1, mpi.SUM, -1));
await C.throws("gatherInto root=1.5", "ERR_ROOT", /root out of range/, () => comm.gatherInto(mpi.buf(new Int32Array(1)), mpi.buf(new Int32Array(p)), 1.5));
await C.throws("iscatter root=99", "ERR_ROOT", /root out of range/, () => comm.iscatter(all, 99).wait());
C.eq("after ERR_ROOT", await comm.allreduce(rank), (p * (p - 1)) / 2);

await C.throws("BAND on floats", "ERR_OP", /BAND does not apply/, () => comm.allreduce(1.5, mpi.BAND));
await C.throws("BAND on FLOAT64 buffers", "ERR_OP", /BAND does not apply to FLOAT64/, () => comm.allreduceInto(mpi.buf(new Float64Array(2)), mpi.buf(new Float64Array(2)), mpi.BAND));
await C.throws("MAXLOC on a number", "ERR_OP", /MAXLOC/, () => comm.reduce(3, mpi.MAXLOC, 0));
await C.throws("not an op", "ERR_OP", /not a reduction op/, () => comm.allreduce(1, "SUM" as unknown as mpi.Op));
C.eq("after ERR_OP", await comm.bcast(rank === 0 ? "still fine" : null, 0), "still fine");

await C.throws("allreduceInto sizes differ", "ERR_TRUNCATE", /differ in size \(16 bytes to send vs expected 8 bytes/, () => comm.allreduceInto(mpi.buf(new Float64Array(2)), mpi.buf(new Float64Array(1))));
if (rank === 0 && p > 1) await C.throws("gatherInto uneven", "ERR_COUNT", new RegExp(`the receive buffer's ${p + 1} items do not split evenly among ${p} ranks`), () => comm.gatherInto(mpi.buf(new Int32Array(1)), mpi.buf(new Int32Array(p + 1)), 0));
else await comm.gatherInto(mpi.buf(new Int32Array(1)), rank === 0 ? mpi.buf(new Int32Array(p)) : null, 0);
// every rank passes IN_PLACE and no receive buffer: off the root IN_PLACE is refused, at the root the missing buffer
await C.throws("IN_PLACE off the root", "ERR_ARG", rank === 0 ? /the receive buffer is not a buffer spec/ : /IN_PLACE is not allowed here: only the root/, () => comm.reduceInto(mpi.IN_PLACE, null, mpi.SUM, 0));
await C.throws("value where a spec is due", "ERR_ARG", /not a buffer spec/, () => comm.bcastInto(new Float64Array(1) as unknown as mpi.BufSpec, 0));
await C.throws("split colour", "ERR_ARG", /color must be/, () => comm.split(-5));

// the root expects one item from every rank but rank p−1 sends two: the root names rank p−1
const counts = all.map(() => 1);
const got = new Float64Array(p);
const send = mpi.buf(new Float64Array(rank === p - 1 && p > 1 ? 2 : 1).fill(rank));
if (rank === 0 && p > 1) {
  await C.throws("gathervInto names the rank", "ERR_TRUNCATE", new RegExp(`gathervInto\\(root=0\\), block from rank ${p - 1}, on rank 0: message truncated \\(16 bytes vs expected at most 8 bytes\\)`), () => comm.gathervInto(send, mpi.buf(got), counts, all, 0));
} else await comm.gathervInto(send, rank === 0 ? mpi.buf(got) : null, counts, all, 0);
// the root sends two items to every rank; rank 1 has room for one
if (p > 1) {
  const mine = new Int32Array(rank === 1 ? 1 : 2);
  const run = () => comm.scatterInto(rank === 0 ? mpi.buf(new Int32Array(2 * p)) : null, mpi.buf(mine), 0);
  if (rank === 1) await C.throws("scatterInto truncation", "ERR_TRUNCATE", /scatterInto\(root=0\), block from rank 0, on rank 1: message truncated \(8 bytes vs expected at most 4 bytes\)/, run);
  else await run();
}
C.eq("after buffer errors", await comm.allgather(rank * 3), all.map((r) => r * 3));
C.eq("after buffer errors (buffers)", await (async () => {
  const out = new Int32Array(p);
  await comm.allgatherInto(mpi.buf(Int32Array.of(rank + 1)), mpi.buf(out));
  return Array.from(out);
})(), all.map((r) => r + 1));

await C.report(comm);
await mpi.finalize();
