// Conformance: reductions combine in rank order as mpi4py does, so REPLACE gives the highest rank's value and
// NO_OP rank 0's (value mode, value-mode TypedArrays and buffer mode), and accumulate REPLACE stores the origin.
import * as mpi from "tsmpi";

const comm = await mpi.init();
const mine = comm.rank * 10;
const out: Record<string, unknown> = { rank: comm.rank };
for (const [name, op] of [["replace", mpi.REPLACE], ["noop", mpi.NO_OP]] as const) {
  const intoAll = new Int32Array(1);
  await comm.allreduceInto(mpi.buf(Int32Array.of(mine)), mpi.buf(intoAll), op);
  const intoScan = new Int32Array(1);
  await comm.scanInto(mpi.buf(Int32Array.of(mine)), mpi.buf(intoScan), op);
  out[name] = {
    allreduce: await comm.allreduce(mine, op),
    reduce: (await comm.reduce(mine, op, 0)) ?? null,
    scan: await comm.scan(mine, op),
    exscan: (await comm.exscan(mine, op)) ?? null,
    typed: Array.from((await comm.allreduce(Int32Array.of(mine, mine + 1), op)) as Int32Array),
    allreduceInto: intoAll[0],
    scanInto: intoScan[0],
  };
}
const memory = new Int32Array(1);
const win = await mpi.Win.create(memory, comm);
await win.fence();
if (comm.rank === 1) win.accumulate(Int32Array.of(77), 0, 0, mpi.REPLACE);
await win.fence();
out.accumulateReplace = memory[0];
await win.free();
console.log(JSON.stringify(out));
await mpi.finalize();
