// Test program: buffered, ready, persistent and matched-probe point-to-point, and sendrecvReplace,
// between ranks 0 and 1. Prints one JSON object of checks per rank.
import * as mpi from "tsmpi";

const comm = await mpi.init();
const checks: Record<string, unknown> = {};
const other = 1 - comm.rank;
if (comm.rank < 2) {
  // Buffered sends complete at once, even though the receiver posts late.
  mpi.attachBuffer(1 << 20);
  let tooBig = "";
  try {
    await comm.bsend(new Uint8Array(2 << 20), other, 9);
  } catch (err) {
    tooBig = (err as mpi.MpiError).code;
  }
  checks.bsendTooBig = tooBig;
  await comm.bsend({ from: comm.rank }, other, 1);
  comm.ibsend(new Float64Array([comm.rank, 2]), other, 2);
  checks.buffered = [await comm.recv(other, 1), Array.from((await comm.recv(other, 2)) as Float64Array)];
  checks.detached = await mpi.detachBuffer();
  // Persistent requests: the same send/receive started three times.
  const box = new Int32Array(1);
  const sendReq = comm.sendInit(mpi.buf(box), other, 3);
  const into = new Int32Array(1);
  const recvReq = comm.recvInit(other, 3, mpi.buf(into));
  const got: number[] = [];
  for (let i = 0; i < 3; i++) {
    box[0] = 10 * i + comm.rank;
    mpi.startall([sendReq, recvReq]);
    await mpi.waitall([sendReq, recvReq]);
    got.push(into[0]);
  }
  checks.persistent = got;
  // Matched probe: the probed message can only be received through its Message.
  await comm.rsend(`mprobe ${comm.rank}`, other, 4);
  const st = new mpi.Status();
  const msg = await comm.mprobe(other, 4, st);
  checks.mprobe = [st.source, st.tag, await msg.recv()];
  checks.improbeNone = comm.improbe(other, 5) === null;
  // sendrecvReplace: swap arrays in place.
  const mine = new Float64Array([comm.rank, comm.rank, comm.rank]);
  const s = await comm.sendrecvReplace(mpi.buf(mine), other, 6, other, 6);
  checks.replace = [Array.from(mine), s.getCount(mpi.FLOAT64), s.getElements(mpi.FLOAT64)];
}
console.log(JSON.stringify({ rank: comm.rank, checks }));
await mpi.finalize();
