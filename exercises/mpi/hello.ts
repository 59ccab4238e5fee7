// Exercise 9.2/9.3/9.4 — Hello world: every rank prints its rank, the number of ranks and its host.
// Statement: write an MPI program where each process says who it is (rank, size) and where it runs.
// Run:   tsrun -np 4 exercises/mpi/hello.ts            (or --hostfile hosts for several machines)
// Grade: npm run grade -- 9.2
// Output: one line per rank, in any order: "hello from rank 2 of 4 on lab-pc-07"
import * as mpi from "tsmpi";

const comm = await mpi.init();
// SOLUTION BEGIN: print one line "hello from rank R of N on HOST" (comm.rank, comm.size, mpi.processorName())
console.log(`hello from rank ${comm.rank} of ${comm.size} on ${mpi.processorName()}`);
// SOLUTION END
await mpi.finalize();
