// Test program for ranks as threads (--transport shm): see test/runtime/shm.test.ts. Rank 1 computes
// forever in a synchronous loop while rank 0 waits for it: only --timeout ends this job.
import * as mpi from "tsmpi";

const comm = await mpi.init();
if (comm.rank === 1) {
  let x = 0;
  for (;;) x = (x + 1) % 1000;
}
await comm.recv(1, 0);
