// Exercise 12.2 — Derived datatype II: the first element of each row of an M×N matrix, two ways.
// Statement: two ranks exchange the first column of their row-major M×N matrices (a) element by element,
// M messages of one int32, then (b) as one item of vector(M, 1, N, INT32): one message of M int32.
// Run:   tsrun -np 2 exercises/mpi/type-vector.ts [--rows 4] [--cols 6]
// Grade: npm run grade -- 12.2
// Output: "rank 0 element-wise: 4 messages of 4 B (16 B in all), column [20000,20100,20200,20300]" and
//         "rank 0 vector type: 1 message of 16 B, column [20000,20100,20200,20300]" per rank.
// Tags: the element-wise messages use tag 1, the vector-type message tag 2 (the grader counts them apart).
// Matrix of rank r: element (i, j) = (r+2)*10000 + 100*i + j. Ranks beyond 1 take no part.
import * as mpi from "tsmpi";
import { numberOption } from "../common/args.ts";

const comm = await mpi.init();
if (comm.size < 2) throw new Error("this exchange needs 2 ranks: run with -np 2");
const [M, N] = [numberOption("rows", 4), numberOption("cols", 6)];
const { rank } = comm;
const firstColumn = (m: Int32Array) => Array.from({ length: M }, (_, i) => m[i * N]);

if (rank < 2) {
  const partner = 1 - rank;
  const mine = Int32Array.from({ length: M * N }, (_, k) => (rank + 2) * 10000 + 100 * Math.floor(k / N) + (k % N));

  // (a) one message per element: M messages of 4 bytes
  // SOLUTION BEGIN: (a) exchange the first column with `partner` element by element: M messages of one int32, tag 1, received into byElement at the same places
  // STARTER: const byElement = new Int32Array(M * N);
  const byElement = new Int32Array(M * N);
  const sends = [];
  for (let i = 0; i < M; i++) sends.push(comm.isend(mpi.buf(mine, mpi.INT32, 1, i * N), partner, 1));
  for (let i = 0; i < M; i++) await comm.recvInto(mpi.buf(byElement, mpi.INT32, 1, i * N), partner, 1);
  await mpi.waitall(sends);
  // SOLUTION END
  console.log(
    `rank ${rank} element-wise: ${M} messages of 4 B (${4 * M} B in all), column [${firstColumn(byElement).join(",")}]`,
  );

  // (b) one item of a vector type: M blocks of 1 int32, N int32 apart
  // SOLUTION BEGIN: (b) exchange the first column as one item of a vector type (M blocks of 1 int32, N apart), tag 2, received into byVector
  // STARTER: const byVector = new Int32Array(M * N);
  const column = mpi.Datatype.vector(M, 1, N, mpi.INT32).commit();
  const byVector = new Int32Array(M * N);
  const sending = comm.isend(mpi.buf(mine, column, 1), partner, 2);
  await comm.recvInto(mpi.buf(byVector, column, 1), partner, 2);
  await sending.wait();
  // SOLUTION END
  console.log(`rank ${rank} vector type: 1 message of ${4 * M} B, column [${firstColumn(byVector).join(",")}]`);
}
await mpi.finalize();
