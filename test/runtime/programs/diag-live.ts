// Test program for `tsrun --live`: rank 1 sends `count` messages to rank 0, one every 100 ms, so for a
// few seconds rank 0 is blocked in recv (the page shows where) while the message counts grow.
import * as mpi from "tsmpi";

const comm = await mpi.init();
const count = Number(process.argv[2] ?? 40);
if (comm.rank === 0) {
  for (let i = 0; i < count; i++) await comm.recv(1, 0);
} else if (comm.rank === 1) {
  for (let i = 0; i < count; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    await comm.send(i, 0, 0);
  }
}
console.log(`ok ${comm.rank}`);
await mpi.finalize();
