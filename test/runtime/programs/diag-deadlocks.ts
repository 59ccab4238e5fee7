// Test program for tsrun's deadlock and mismatch diagnostics: each mode (argv[2]) is a classic student
// bug that can never complete. Every rank prints "armed <rank>" just before its last call, so the test can
// measure how long the launcher takes to stop the job after the deadlock forms.
//   cycle          rank r receives from rank r+1 before sending: a cycle 0 → 1 → … → 0
//   ssend-self     ssend to itself, then the matching recv (never reached)
//   any-source     every rank receives from ANY_SOURCE first
//   exited         rank 1 exits (process.exit(0)) while rank 0 waits for its message
//   finalized      rank 1 calls finalize() while rank 0 waits for its message
//   partial        ranks 0 and 1 receive from each other first while rank 2 computes
//   collective     every rank but the last calls barrier(); the last goes to finalize
//   exchange-ssend exercise 9.5: two ranks ssend 1000 int32 to each other, then receive
//   exchange-large exercise 9.5 with standard sends above the 64 KiB eager limit (20000 int32)
//   mismatch-root  bcast with root 1 on the last rank, root 0 elsewhere
//   mismatch-op    allreduce with MAX on rank 1, SUM elsewhere
import * as mpi from "tsmpi";

const comm = await mpi.init();
const { rank, size } = comm;
const mode = process.argv[2];
const armed = () => console.log(`armed ${rank}`);

switch (mode) {
  case "cycle": {
    armed();
    const v = await comm.recv((rank + 1) % size, 0);
    await comm.send(v, (rank + size - 1) % size, 0);
    break;
  }
  case "ssend-self":
    armed();
    await comm.ssend("to myself", rank, 0);
    await comm.recv(rank, 0);
    break;
  case "any-source":
    armed();
    await comm.recv(mpi.ANY_SOURCE, 0);
    break;
  case "exited":
    if (rank === 1) {
      armed();
      process.exit(0);
    }
    armed();
    await comm.recv(1, 0);
    break;
  case "finalized":
    if (rank === 0) {
      armed();
      await comm.recv(1, 0);
    } else armed();
    break;
  case "partial":
    if (rank < 2) {
      armed();
      await comm.recv(1 - rank, 0);
      await comm.send(rank, 1 - rank, 0);
    } else {
      armed();
      for (;;) {
        const until = Date.now() + 50;
        while (Date.now() < until); // computing
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    break;
  case "collective":
    armed();
    if (rank < size - 1) await comm.barrier();
    break;
  case "exchange-ssend":
  case "exchange-large": {
    const n = mode === "exchange-ssend" ? 1000 : 20000;
    const mine = new Int32Array(n).map((_, i) => rank * n + i);
    const partner = rank ^ 1;
    armed();
    if (mode === "exchange-ssend") await comm.ssend(mine, partner, 0);
    else await comm.send(mine, partner, 0);
    await comm.recv(partner, 0);
    break;
  }
  case "mismatch-root":
    armed();
    await comm.bcast(`from ${rank}`, rank === size - 1 ? 1 : 0);
    await comm.barrier();
    break;
  case "mismatch-op":
    armed();
    await comm.allreduce(rank + 1, rank === 1 ? mpi.MAX : mpi.SUM);
    await comm.barrier();
    break;
  default:
    throw new Error(`unknown mode ${mode}`);
}
await mpi.finalize();
