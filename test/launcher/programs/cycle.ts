// A student's deadlock, for the trace view's tests and screenshots (docs/diagnostics.md): every rank
// receives from its right neighbour before it sends to its left one, so nobody ever sends.
import * as mpi from "tsmpi";

const comm = await mpi.init();
const { rank, size } = comm;
const right = (rank + 1) % size;
const left = (rank - 1 + size) % size;

const token = await comm.recv(right, 0);
await comm.send(token, left, 0);
await mpi.finalize();
