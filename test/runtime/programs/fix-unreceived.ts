// Finalize reports every unreceived message, every time: rank 0 sends to rank 1, which calls finalize
// without receiving (no barrier between them).
import * as mpi from "tsmpi";

const comm = await mpi.init();
if (comm.rank === 0) await comm.send("never received", 1, 7);
await mpi.finalize();
