// Test program for ranks as threads (--transport shm): see test/runtime/shm.test.ts. Rank 1 allocates without end.
import * as mpi from "tsmpi";
const comm = await mpi.init();
if (comm.rank === 1) { const a: number[][] = []; for (;;) a.push(new Array(1e6).fill(1)); }
await comm.recv(1);
