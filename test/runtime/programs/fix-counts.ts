// Conformance: the count of an mpi.buf in a buffer-mode collective is PER RANK (MPI's sendcount/recvcount,
// mpi4py's [buf, count, type]); without a count, the array's items divided by the number of blocks.
// Argument "bad": the root gives a per-rank count that does not fit its array (the job must end, not hang).
import * as mpi from "tsmpi";

const comm = await mpi.init();
const { rank, size } = comm;
const out: Record<string, unknown> = { rank };
const i32 = (n: number, f: (i: number) => number) => Int32Array.from({ length: n }, (_, i) => f(i));

if (process.argv.includes("bad")) {
  const all = rank === 0 ? new Int32Array(3 * size - 1) : null;
  await comm.gatherInto(mpi.buf(new Int32Array(3)), all ? mpi.buf(all, mpi.INT32, 3) : null, 0);
  await mpi.finalize();
  process.exit(0);
}

// gather: each rank sends 3, the root's recv spec says 3 (per rank) over a larger array
const gathered = new Int32Array(3 * size + 2).fill(-1);
await comm.gatherInto(mpi.buf(i32(3, (i) => 10 * rank + i)), rank === 0 ? mpi.buf(gathered, mpi.INT32, 3) : null, 0);
if (rank === 0) out.gather = Array.from(gathered);
// nonblocking form, same rule
const gathered2 = new Int32Array(2 * size).fill(-1);
await comm.igatherInto(mpi.buf(i32(2, (i) => 10 * rank + i)), rank === 0 ? mpi.buf(gathered2, mpi.INT32, 2) : null, 0).wait();
if (rank === 0) out.igather = Array.from(gathered2);
// scatter with a per-rank count over an array with spare room at the end
const part = new Int32Array(2);
await comm.scatterInto(rank === 0 ? mpi.buf(i32(2 * size + 5, (i) => i), mpi.INT32, 2) : null, mpi.buf(part), 0);
out.scatter = Array.from(part);
// allgather and alltoall with counts
const ag = new Int32Array(2 * size + 1).fill(-1);
await comm.allgatherInto(mpi.buf(i32(2, (i) => 10 * rank + i)), mpi.buf(ag, mpi.INT32, 2));
out.allgather = Array.from(ag);
const a2a = new Int32Array(size).fill(-1);
await comm.alltoallInto(mpi.buf(i32(size + 3, (i) => 100 * rank + i), mpi.INT32, 1), mpi.buf(a2a, mpi.INT32, 1));
out.alltoall = Array.from(a2a);
// without a count: the array's length divided by the number of ranks (as before)
const plain = new Int32Array(2 * size);
await comm.allgatherInto(mpi.buf(i32(2, (i) => 10 * rank + i)), mpi.buf(plain));
out.allgatherPlain = Array.from(plain);
// a derived type, one item per rank: scatter one column of an n×size matrix (resized to one int) to each rank
const n = 4;
const matrix = rank === 0 ? i32(n * size, (i) => 1000 * Math.floor(i / size) + (i % size)) : null;
const column = mpi.Datatype.resized(mpi.Datatype.vector(n, 1, size, mpi.INT32), 0, 4).commit();
const myColumn = new Int32Array(n);
await comm.scatterInto(matrix ? mpi.buf(matrix, column, 1) : null, mpi.buf(myColumn), 0);
out.column = Array.from(myColumn);
// and back: gather one column per rank into the root's matrix
const back = rank === 0 ? new Int32Array(n * size).fill(-1) : null;
await comm.gatherInto(mpi.buf(myColumn), back ? mpi.buf(back, column, 1) : null, 0);
if (back) out.columnsBack = Array.from(back).every((v, i) => v === matrix![i]);
console.log(JSON.stringify(out));
await mpi.finalize();
