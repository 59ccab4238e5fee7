// Test program for ranks as threads (--transport shm): see test/runtime/shm.test.ts.
import * as mpi from "tsmpi";
const comm = await mpi.init();
if (comm.rank === 1) throw new Error("boom on rank one");
await comm.barrier();
await mpi.finalize();
