// Test program for the Slurm tests: every rank prints "ready <rank>", then rank 1 fails (argument
// "throw": an uncaught Error; "abort": comm.abort(7)) while the others wait in a receive that never
// completes, so the step ends only if the runtime stops them.
import * as mpi from "tsmpi";

const comm = await mpi.init();
console.log(`ready ${comm.rank}`);
await comm.barrier();
if (comm.rank === 1) {
  if (process.argv[2] === "abort") comm.abort(7);
  throw new Error(`rank 1 gives up on purpose`);
}
await comm.recv(mpi.ANY_SOURCE, 99);
