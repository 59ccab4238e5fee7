// Test program: what a rank leaves behind at finalize. Rank 0 sends two messages with tag 7 that rank 1
// never receives, and starts an irecv it never waits for; the rest of the program is correct. tsrun warns
// (naming the send's source line) and exits 0, or fails with --strict.
import * as mpi from "tsmpi";

const comm = await mpi.init();
if (comm.rank === 0) {
  await comm.send("forgotten", 1, 7);
  await comm.send("forgotten too", 1, 7);
  comm.irecv(1, 99);
  await comm.send("expected", 1, 0);
} else if (comm.rank === 1) {
  await comm.recv(0, 0);
}
console.log(`ok ${comm.rank}`);
await mpi.finalize();
