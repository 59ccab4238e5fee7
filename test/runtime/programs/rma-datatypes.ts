// Test program (issue 6, MPI-4 §12.3 with derived datatypes): one-sided operations whose origin and/or
// target datatype is derived. Each rank's window is a 4×4 FLOAT64 matrix W (row-major, W[i] = rank·100 + i);
// each rank works on its right neighbour's window from a local matrix M (M[i] = 1000 + rank·100 + i):
//  epoch 1: put column 1 of M (vector origin) as row 0 of W (contiguous target)
//  epoch 2: put 4 contiguous values into column 2 of W (vector target type)
//  epoch 3: get W[0], W[5], W[6] (indexed target type); getAccumulate NO_OP of W's diagonal (strided)
//  epoch 4: accumulate SUM column 0 of M into column 3 of W (vector on both sides); put a 2×2 subarray
// Prints each rank's own window after epochs 1, 2 and 4 and what it read, as JSON.
import * as mpi from "tsmpi";

const comm = await mpi.init();
const { rank, size } = comm;
const right = (rank + 1) % size;
const W = Float64Array.from({ length: 16 }, (_, i) => rank * 100 + i);
const M = Float64Array.from({ length: 16 }, (_, i) => 1000 + rank * 100 + i);
const column = mpi.Datatype.vector(4, 1, 4, mpi.FLOAT64).commit();
const columnItems = mpi.Datatype.resized(column, 0, 8).commit(); // column k = item k
const indexed = mpi.Datatype.indexed([1, 2], [0, 5], mpi.FLOAT64).commit();
const diagonal = mpi.Datatype.vector(4, 1, 5, mpi.FLOAT64).commit();
const block = mpi.Datatype.subarray([4, 4], [2, 2], [2, 0], mpi.FLOAT64).commit();

const win = await mpi.Win.create(W, comm);
await win.fence();
win.put(mpi.buf(M, columnItems, 1, 1), right, 0, mpi.FLOAT64, 4);
await win.fence();
const after1 = Array.from(W);
await win.fence(); // as in MPI, others may put for the next epoch as soon as we called fence: keep the snapshot apart

win.put(new Float64Array([rank + 0.5, rank + 1.5, rank + 2.5, rank + 3.5]), right, 2, column, 1);
await win.fence();
const after2 = Array.from(W);

const got = new Float64Array(3);
win.get(got, right, 0, indexed, 1);
const diag = new Float64Array(4);
win.getAccumulate(null, diag, right, 0, mpi.NO_OP, diagonal, 1);
await win.fence();

win.accumulate(mpi.buf(M, column, 1), right, 3, mpi.SUM, column, 1);
win.put(new Float64Array([-1, -2, -3, -4]), right, 0, block, 1);
await win.fence(mpi.MODE_NOSUCCEED);
const final = Array.from(W);
await win.free();
console.log(JSON.stringify({ rank, size, after1, after2, got: Array.from(got), diag: Array.from(diag), final }));
await mpi.finalize();
