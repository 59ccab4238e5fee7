// Test program for ranks as threads (--transport shm): see test/runtime/shm.test.ts.
import * as mpi from "tsmpi";
const comm = await mpi.init();
if (comm.rank === 0) await comm.send("lost", 1, 5);
await mpi.finalize();
