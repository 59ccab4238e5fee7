// Collective traffic never waits behind point-to-point credit.
//   flood     rank 0 starts 1 000 000 small isends to rank 1 that nobody receives yet, then both call barrier
//             (which must complete); then rank 1 receives them all and rank 0 waits for its sends.
//   blocked   rank 0 awaits each send (so it blocks once the credit is used up) while rank 1 waits in a
//             barrier: a real deadlock, whose report must name the send waiting for credit.
import * as mpi from "tsmpi";

const comm = await mpi.init();
const { rank } = comm;
const mode = process.argv[2];
const N = Number(process.argv[3] ?? 1_000_000);
await comm.barrier(); // connections are up before rank 0 gets busy posting sends
if (mode === "flood") {
  const sends: mpi.Request[] = [];
  if (rank === 0) for (let i = 0; i < N; i++) sends.push(comm.isend(i, 1, 5));
  await comm.barrier();
  console.log(`barrier done ${rank}`);
  await comm.bcast("after", 0); // and another collective
  let sum = 0;
  if (rank === 1) for (let i = 0; i < N; i++) sum += (await comm.recv(0, 5)) as number;
  if (rank === 0) await mpi.waitall(sends);
  console.log(JSON.stringify({ rank, sum }));
} else if (mode === "blocked") {
  if (rank === 0) {
    console.log(`armed ${rank}`);
    for (let i = 0; i < N; i++) await comm.send(i, 1, 5);
  } else {
    console.log(`armed ${rank}`);
  }
  await comm.barrier();
}
await mpi.finalize();
