// Test program for the Slurm tests: rank 0 sends a message rank 1 never receives, then both finalize;
// finalize must report it (and fail the job under --strict), as under tsrun.
import * as mpi from "tsmpi";

const comm = await mpi.init();
if (comm.rank === 0) await comm.send("never read", 1, 5);
await mpi.finalize();
console.log(`rank ${comm.rank} done`);
