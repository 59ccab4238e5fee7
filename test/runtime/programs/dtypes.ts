// Test program: derived datatypes through the runtime (issue "derived datatypes"): a matrix column as one
// vector-type message received as a contiguous array; a struct of mixed types; a halo exchange with subarray
// types on a 2-D cartesian grid; gathering columns with a resized vector type into a transposed matrix.
// Prints one JSON line of named checks per rank.
import * as mpi from "tsmpi";

const comm = await mpi.init();
const checks: Record<string, unknown> = {};
const M = 6;
const N = 5;

// 1. Column 2 of an M×N row-major matrix: one message with a vector type, received contiguous.
if (comm.size >= 2 && comm.rank < 2) {
  if (comm.rank === 0) {
    const matrix = new Float64Array(M * N).map((_, i) => i);
    const column = mpi.Datatype.vector(M, 1, N, mpi.FLOAT64).commit();
    await comm.send(mpi.buf(matrix, column, 1, 2), 1, 1);
  } else {
    const col = new Float64Array(M);
    const st = await comm.recvInto(mpi.buf(col), 0, 1);
    checks.column = Array.from(col);
    checks.columnCount = [st.count, st.getCount(mpi.FLOAT64), st.getCount(mpi.Datatype.contiguous(2, mpi.FLOAT64)) === mpi.UNDEFINED || st.getCount(mpi.Datatype.contiguous(2, mpi.FLOAT64))];
  }
}

// 2. A struct { id: int32 at 0, x: float64 at 8, flags: 3 × uint8 at 16 } repeated 4 times in a byte buffer.
const record = mpi.Datatype.struct([1, 1, 3], [0, 8, 16], [mpi.INT32, mpi.FLOAT64, mpi.UINT8]).commit();
if (comm.size >= 2 && comm.rank < 2) {
  const bytes = new Uint8Array(record.extent * 4);
  const view = new DataView(bytes.buffer);
  if (comm.rank === 0) {
    for (let i = 0; i < 4; i++) {
      view.setInt32(i * record.extent, 100 + i, true);
      view.setFloat64(i * record.extent + 8, i + 0.5, true);
      bytes.set([i, i + 1, i + 2], i * record.extent + 16);
    }
    await comm.send(mpi.buf(bytes, record, 4), 1, 2);
  } else {
    const st = await comm.recvInto(mpi.buf(bytes, record, 4), 0, 2);
    checks.struct = Array.from({ length: 4 }, (_, i) => [view.getInt32(i * record.extent, true), view.getFloat64(i * record.extent + 8, true), ...bytes.slice(i * record.extent + 16, i * record.extent + 19)]);
    checks.structCount = [st.count, st.getCount(record), st.getElements(record)];
    let mismatch = "";
    try {
      await comm.recvInto(mpi.buf(new Float64Array(8)), 0, 3);
    } catch (err) {
      mismatch = (err as mpi.MpiError).code;
    }
    checks.structMismatch = mismatch;
  }
  if (comm.rank === 0) await comm.send(mpi.buf(bytes, record, 2), 1, 3);
}

// 3. Halo exchange on a periodic 2-D grid: each rank owns an n×n block inside an (n+2)×(n+2) array.
const n = 3;
const dims = mpi.computeDims(comm.size, 2);
const cart = (await comm.createCart(dims, [true, true]))!; // every rank is in a grid of computeDims(size)
const local = new Int32Array((n + 2) * (n + 2)).fill(-1);
for (let i = 1; i <= n; i++) for (let j = 1; j <= n; j++) local[i * (n + 2) + j] = cart.rank * 100 + i * 10 + j;
const sub = (rows: number, cols: number, r0: number, c0: number) => mpi.Datatype.subarray([n + 2, n + 2], [rows, cols], [r0, c0], mpi.INT32).commit();
const [up, down] = cart.shift(0, 1);
const [left, right] = cart.shift(1, 1);
// send my last row down and receive my top halo from up; and so on for the four sides
const exchange = async (sendType: mpi.Datatype, dest: number, recvType: mpi.Datatype, source: number, tag: number) => {
  const sending = cart.isend(mpi.buf(local, sendType, 1), dest, tag);
  await cart.recvInto(mpi.buf(local, recvType, 1), source, tag);
  await sending.wait();
};
await exchange(sub(1, n, n, 1), down, sub(1, n, 0, 1), up, 11);
await exchange(sub(1, n, 1, 1), up, sub(1, n, n + 1, 1), down, 12);
await exchange(sub(n, 1, 1, n), right, sub(n, 1, 1, 0), left, 13);
await exchange(sub(n, 1, 1, 1), left, sub(n, 1, 1, n + 1), right, 14);
const expectRow = (rank: number, i: number) => Array.from({ length: n }, (_, j) => rank * 100 + i * 10 + j + 1);
const expectCol = (rank: number, j: number) => Array.from({ length: n }, (_, i) => rank * 100 + (i + 1) * 10 + j);
const row = (i: number) => Array.from(local.slice(i * (n + 2) + 1, i * (n + 2) + 1 + n));
const col = (j: number) => Array.from({ length: n }, (_, i) => local[(i + 1) * (n + 2) + j]);
checks.halo =
  JSON.stringify([row(0), row(n + 1), col(0), col(n + 1)]) ===
  JSON.stringify([expectRow(up, n), expectRow(down, 1), expectCol(left, n), expectCol(right, 1)]);

// 4. Gather one column from each rank into the root's transposed matrix with a resized vector type.
const P = comm.size;
const mine = new Float64Array(M).map((_, i) => comm.rank * 1000 + i); // my column of an M×P matrix
const full = comm.rank === 0 ? new Float64Array(M * P).fill(-1) : undefined;
const columnType = mpi.Datatype.resized(mpi.Datatype.vector(M, 1, P, mpi.FLOAT64), 0, 8).commit();
await comm.gatherInto(mpi.buf(mine), full ? mpi.buf(full, columnType, 1) : undefined, 0); // one column item per rank (counts are per rank)
if (full) {
  let ok = true;
  for (let i = 0; i < M; i++) for (let r = 0; r < P; r++) if (full[i * P + r] !== r * 1000 + i) ok = false;
  checks.gatherColumns = ok;
}
console.log(JSON.stringify({ rank: comm.rank, checks }));
await mpi.finalize();
