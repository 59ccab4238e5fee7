// Test program for ranks as threads (--transport shm): see test/runtime/shm.test.ts.
import * as mpi from "tsmpi";
const comm = await mpi.init();
if (comm.rank === 2) process.exit(3);
await comm.recv(2);
