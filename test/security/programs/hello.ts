// Test program: the victim's own program. Prints one line per rank; nothing else may ever print.
import * as mpi from "tsmpi";

const comm = await mpi.init();
console.log(`victim program rank ${comm.rank} of ${comm.size}`);
await mpi.finalize();
