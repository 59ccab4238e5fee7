// Test program: a window created and never freed (the finalize report lists it with its source line).
import * as mpi from "tsmpi";
const comm = await mpi.init();
const win = await mpi.Win.create(new Float64Array(4), comm);
await win.fence();
await mpi.finalize();
