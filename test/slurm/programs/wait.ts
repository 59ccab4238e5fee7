// Test program for the Slurm tests: every rank prints one JSON line {rank, pid, ppid, job} once all
// ranks are up, then waits in a receive that never completes (to be cancelled with scancel).
import * as mpi from "tsmpi";

const comm = await mpi.init();
await comm.barrier();
console.log(JSON.stringify({ rank: comm.rank, pid: process.pid, ppid: process.ppid, job: process.env.SLURM_JOB_ID }));
await comm.recv(mpi.ANY_SOURCE, 99);
