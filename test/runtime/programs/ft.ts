// Test program for fault-tolerant mode: rank 2 dies (SIGKILL) after a handshake; the survivors see
// ERR_PROC_FAILED naming it for operations that need it, keep talking among themselves, then shrink the
// communicator and run a ring on the survivors. argv[2] = "errhandler" sets ERRORS_RETURN instead of relying
// on tsrun --fault-tolerant.
import * as mpi from "tsmpi";
import { handshake } from "./lib/handshake.ts";

const comm = await mpi.init();
if (process.argv[2] === "errhandler") comm.setErrhandler(mpi.ERRORS_RETURN);
const result: Record<string, unknown> = { rank: comm.rank };
const codeOf = async (f: () => Promise<unknown>) => {
  try {
    await f();
    return "no error";
  } catch (err) {
    return `${(err as mpi.MpiError).code}: ${(err as Error).message}`;
  }
};
await handshake(comm); // everybody has printed before anyone misbehaves
if (comm.rank === 2) mpi.crash();
if (comm.rank === 0) result.recvFromDead = await codeOf(() => comm.recv(2, 5));
if (comm.rank === 1) result.ssendToDead = await codeOf(async () => {
  await comm.recv(2, 6); // fails once rank 2's death is known
});
if (comm.rank === 3) result.bigSendToDead = await codeOf(() => comm.send(new Uint8Array(1 << 20), 2, 7));
// Live ranks are unaffected.
if (comm.rank === 0) result.liveExchange = await comm.sendrecv("zero", 1, 1, 1, 1);
if (comm.rank === 1) result.liveExchange = await comm.sendrecv("one", 0, 1, 0, 1);
result.failed = comm.failedRanks();
const small = await comm.shrink();
result.shrunk = [small.rank, small.size];
const left = (small.rank - 1 + small.size) % small.size;
const right = (small.rank + 1) % small.size;
if (small.rank === 0) {
  await small.send(1, right, 0);
  result.ring = await small.recv(left, 0);
} else {
  await small.send(((await small.recv(left, 0)) as number) + 1, right, 0);
}
console.log(JSON.stringify(result));
await mpi.finalize();
