// Test program: correct programs that look like deadlocks to a careless detector, which tsrun's
// diagnostics must never report. Mode (argv[2]):
//   slow        rank 0 waits in recv while rank 1 computes for 2.5 s without awaiting, then sleeps 1 s
//               on a timer, then sends
//   flood       rank 0 has 3000 small and 20 rendezvous-sized messages in flight to rank 1, which
//               computes for 1 s before receiving them (ANY_SOURCE, ANY_TAG) and answering
//   ring        a token goes round the ring 300 times (every rank blocked in recv most of the time)
//   collectives 300 rounds of bcast, allreduce and barrier, with one rank computing now and then
// Each rank prints "ok <rank>" at the end.
import * as mpi from "tsmpi";

const comm = await mpi.init();
const { rank, size } = comm;
const mode = process.argv[2];
const compute = (ms: number) => {
  const until = Date.now() + ms;
  let x = 0;
  while (Date.now() < until) x += Math.sqrt(x + 1);
  return x;
};

switch (mode) {
  case "slow":
    if (rank === 0) await comm.recv(1, 0);
    else if (rank === 1) {
      compute(2500);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await comm.send("done", 0, 0);
    }
    break;
  case "flood":
    if (rank === 0) {
      const small = Array.from({ length: 3000 }, (_, i) => comm.isend(i, 1, 1));
      const large = Array.from({ length: 20 }, (_, i) => comm.isend(new Uint8Array(200_000).fill(i), 1, 2));
      await mpi.waitall([...small, ...large]);
      await comm.recv(1, 3);
    } else if (rank === 1) {
      compute(1000);
      for (let i = 0; i < 3020; i++) await comm.recv(mpi.ANY_SOURCE, mpi.ANY_TAG);
      await comm.send("all received", 0, 3);
    }
    break;
  case "ring":
    for (let lap = 0; lap < 300; lap++) {
      if (rank === 0) {
        await comm.send(lap, (rank + 1) % size, 0);
        await comm.recv((rank + size - 1) % size, 0);
      } else {
        const token = await comm.recv((rank + size - 1) % size, 0);
        await comm.send(token, (rank + 1) % size, 0);
      }
    }
    break;
  case "collectives":
    for (let i = 0; i < 300; i++) {
      if (i % 100 === 0 && rank === size - 1) compute(400);
      await comm.bcast(i, i % size);
      await comm.allreduce(rank, mpi.SUM);
      await comm.barrier();
    }
    break;
  default:
    throw new Error(`unknown mode ${mode}`);
}
console.log(`ok ${rank}`);
await mpi.finalize();
