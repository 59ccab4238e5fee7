// Test program for `tsrun --fault-tolerant --kill-rank 1@T`: rank 0 waits for a message from rank 1, which
// is killed from outside while it computes; rank 0 must get ERR_PROC_FAILED, not hang. Other ranks finish.
// What rank 0 caught is printed field by field: the class a user can test with instanceof, and its fields.
import * as mpi from "tsmpi";

const comm = await mpi.init();
if (comm.rank === 1) await new Promise(() => setInterval(() => {}, 1000));
if (comm.rank === 0) {
  try {
    await comm.recv(1, 0);
    console.log("RECEIVED (unexpected)");
  } catch (err) {
    console.log(`CAUGHT ${(err as mpi.MpiError).code} failed=${JSON.stringify(comm.failedRanks())}`);
    if (err instanceof mpi.ProcessFailedError) {
      const { failedRanks, call, rank, peer, fatal } = err;
      console.log(`PROCESS FAILED ${JSON.stringify({ failedRanks, call, rank, peer, fatal, isMpiError: err instanceof mpi.MpiError })}`);
    }
  }
}
await mpi.finalize();
