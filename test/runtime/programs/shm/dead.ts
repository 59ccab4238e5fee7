// Test program for ranks as threads (--transport shm): see test/runtime/shm.test.ts.
import * as mpi from "tsmpi";
const comm = await mpi.init();
const v = await comm.recv((comm.rank + 1) % comm.size, 0);
await comm.send(v, (comm.rank + comm.size - 1) % comm.size, 0);
await mpi.finalize();
