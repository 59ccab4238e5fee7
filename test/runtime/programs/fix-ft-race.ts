// Fault-tolerant race: rank 1 dies right after a barrier; the survivors' receive from it is caught and the
// program goes on. With --fault-tolerant no ERR_PROC_FAILED may escape as an unhandled rejection.
// Argument "throw": rank 0 then fails with its own uncaught error, which tsrun must print.
import * as mpi from "tsmpi";

const comm = await mpi.init();
await comm.barrier();
if (comm.rank === 1) mpi.crash();
let caught = "none";
try {
  await comm.recv(1, 0);
} catch (err) {
  caught = (err as mpi.MpiError).code;
}
console.log(`rank ${comm.rank} caught ${caught}`);
if (comm.rank === 0 && process.argv.includes("throw")) throw new RangeError("rank 0 gives up after the failure");
await mpi.finalize();
