// Exercise 12.3 — Transposing a distributed matrix with derived datatypes and collectives.
// Statement: A (M×N) and B = Aᵀ (N×M) are distributed by blocks of rows; gather A's first column into
// rank 0's first row of B, then one alltoall with vector/resized types transposes A into B, for any M, N, P.
// Run:   tsrun -np 3 exercises/mpi/transpose.ts [--rows 7] [--cols 5]      (default M = N = P)
// Grade: npm run grade -- 12.3
// Output: "rank 0: gathered A's first column [0,1000,2000]" then one line per row of B a rank holds:
//         "rank 1: B row 2 = [2,1002,2002]". A(i, j) = 1000*i + j.
// Any size (questions 4–6): every rank holds mb = ceil(M/P) rows of A and nb = ceil(N/P) rows of B, padded
// to Np = nb*P and Mp = mb*P columns, so every block exchanged has the same shape: rank p sends rank q the
// columns q*nb … q*nb+nb-1 of its block as nb items of "one column of my block" (vector(mb, 1, Np) resized
// to one int32), and receives them as one item of vector(nb, mb, Mp) resized to mb int32, at column p*mb.
import * as mpi from "tsmpi";
import { numberOption } from "../common/args.ts";

const comm = await mpi.init();
const { rank, size: P } = comm;
const [M, N] = [numberOption("rows", P), numberOption("cols", P)];
const mb = Math.ceil(M / P);
const nb = Math.ceil(N / P);
const [Mp, Np] = [mb * P, nb * P];

// my rows of A (mb × Np, padding -1) and of B (nb × Mp)
const A = new Int32Array(mb * Np).fill(-1);
for (let k = 0; k < mb; k++) {
  const i = rank * mb + k;
  if (i < M) for (let j = 0; j < N; j++) A[k * Np + j] = 1000 * i + j;
}
const B = new Int32Array(nb * Mp).fill(-1);

// SOLUTION BEGIN: build the derived types (one column of my block of A; mb int32 in each of my rows of B, resized), then gather A's first column into rank 0's first row of B
// one column of my block of A, resized so that item k starts at column k
const column = mpi.Datatype.resized(mpi.Datatype.vector(mb, 1, Np, mpi.INT32), 0, 4).commit();
// mb consecutive int32 in each of my nb rows of B, resized so that item p starts at column p*mb
const block = mpi.Datatype.resized(mpi.Datatype.vector(nb, mb, Mp, mpi.INT32), 0, 4 * mb).commit();

// question 2: the first element of each row of A, gathered contiguously into rank 0's first row of B
// (send type: one column of my block; receive type: plain int32, mb per rank — not the same types; the
// counts of mpi.buf in a collective are per rank, as in MPI)
await comm.gatherInto(mpi.buf(A, column, 1), rank === 0 ? mpi.buf(B, mpi.INT32, mb) : undefined, 0);
// SOLUTION END
if (rank === 0) console.log(`rank 0: gathered A's first column [${Array.from(B.subarray(0, M)).join(",")}]`);

// question 3: the transposition, one alltoall
// SOLUTION BEGIN: transpose A into B with one alltoall of those derived types
await comm.alltoallInto(mpi.buf(A, column, nb), mpi.buf(B, block, 1));
// SOLUTION END
for (let k = 0; k < nb; k++) {
  const row = rank * nb + k;
  if (row < N) console.log(`rank ${rank}: B row ${row} = [${Array.from(B.subarray(k * Mp, k * Mp + M)).join(",")}]`);
}
await mpi.finalize();
