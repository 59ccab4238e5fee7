// Benchmark program: the smallest tsmpi program (init, finalize), to time start-up and shut-down.
import * as mpi from "tsmpi";

await mpi.init();
await mpi.finalize();
