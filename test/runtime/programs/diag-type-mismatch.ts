// Test program: the ranks of one communicator call allreduceInto with the same op but different element
// types (rank 1 sums INT32, the others FLOAT64, same byte count): a mismatched collective (buffer-mode signature).
import * as mpi from "tsmpi";

const comm = await mpi.init();
if (comm.rank === 1) await comm.allreduceInto(mpi.buf(new Int32Array(4).fill(1)), mpi.buf(new Int32Array(4)), mpi.SUM);
else await comm.allreduceInto(mpi.buf(new Float64Array(2).fill(1)), mpi.buf(new Float64Array(2)), mpi.SUM);
await mpi.finalize();
