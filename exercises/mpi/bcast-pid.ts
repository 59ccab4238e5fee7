// Exercise 11.1 — Broadcast: rank 0 reads its process id and broadcasts it; every rank prints it.
// Statement: the process of rank 0 gets its pid and broadcasts it to all the others with a collective;
// every process then prints that value.
// Run:   tsrun -np 4 exercises/mpi/bcast-pid.ts
// Grade: npm run grade -- 11.1
// Output: per rank "rank 2: my pid is 81234" and "rank 2: rank 0's pid is 81230" (the same value on every rank).
import * as mpi from "tsmpi";

const comm = await mpi.init();
console.log(`rank ${comm.rank}: my pid is ${process.pid}`);
// SOLUTION BEGIN: rank 0's pid, broadcast from rank 0 to every rank with one collective
// STARTER: const pidOfRoot: number | null = null;
const pidOfRoot = await comm.bcast(comm.rank === 0 ? process.pid : null, 0);
// SOLUTION END
console.log(`rank ${comm.rank}: rank 0's pid is ${pidOfRoot}`);
await mpi.finalize();
