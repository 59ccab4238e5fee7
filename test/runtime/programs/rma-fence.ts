// Test program (issue 6, MPI-4 §12.5.1): fence epochs with put, get, accumulate (every predefined op),
// MAXLOC/MINLOC on pair types, getAccumulate and fetchAndOp, at any np. Prints one JSON line per rank
// with what it measured; the test (test/runtime/rma-active.test.ts) computes the expected values.
import * as mpi from "tsmpi";

const comm = await mpi.init();
const { rank, size } = comm;

// puts: every rank writes rank*100 + target into slot `rank` of every window (its own included)
const slots = new Float64Array(size).fill(-1);
const win = await mpi.Win.create(slots, comm);
await win.fence(mpi.MODE_NOPRECEDE);
for (let t = 0; t < size; t++) win.put(new Float64Array([rank * 100 + t]), t, rank);
await win.fence();
const afterPut = Array.from(slots);

// gets: read the whole window of the right neighbour, and slot 0 of every rank
const right = (rank + 1) % size;
const neighbour = new Float64Array(size);
const firsts = new Float64Array(size);
win.get(neighbour, right, 0);
for (let t = 0; t < size; t++) win.get(mpi.buf(firsts, mpi.FLOAT64, 1, t), t, 0);
await win.fence(mpi.MODE_NOSUCCEED);
await win.free();

// the classic accumulate: every rank adds its rank to every element of every other rank's window
const L = 5;
const sums = new Int32Array(L);
const acc = await mpi.Win.create(sums, comm);
await acc.fence();
for (let t = 0; t < size; t++) if (t !== rank) acc.accumulate(new Int32Array(L).fill(rank), t, 0, mpi.SUM);
await acc.fence();
const accumulated = Array.from(sums);
await acc.free();

// every op on rank 0's window: [SUM, PROD, MAX, MIN, LAND, LOR, LXOR, BAND, BOR, BXOR, REPLACE, counter, NO_OP target]
const init = [0, 1, -1, 1000, 1, 0, 0, -1, 0, 0, -7, 0, 42];
const ops = await mpi.Win.allocate(init.length, mpi.INT32, comm);
const mem = ops.memory as Int32Array;
if (rank === 0) mem.set(init);
await ops.fence();
const one = (v: number) => new Int32Array([v]);
ops.accumulate(one(rank + 1), 0, 0, mpi.SUM);
ops.accumulate(one(rank < 4 ? 2 : 1), 0, 1, mpi.PROD);
ops.accumulate(one(rank * 3), 0, 2, mpi.MAX);
ops.accumulate(one(rank * 3 + 5), 0, 3, mpi.MIN);
ops.accumulate(one(1), 0, 4, mpi.LAND);
ops.accumulate(one(rank === size - 1 ? 1 : 0), 0, 5, mpi.LOR);
ops.accumulate(one(1), 0, 6, mpi.LXOR);
ops.accumulate(one(~(1 << rank)), 0, 7, mpi.BAND);
ops.accumulate(one(1 << rank), 0, 8, mpi.BOR);
ops.accumulate(one(1 << rank), 0, 9, mpi.BXOR);
ops.accumulate(one(rank), 0, 10, mpi.REPLACE);
const fetched = new Int32Array(1);
ops.getAccumulate(one(1), fetched, 0, 11, mpi.SUM);
const read = new Int32Array(1);
ops.getAccumulate(null, read, 0, 12, mpi.NO_OP);
const old = await ops.fetchAndOp(10, 0, 11, mpi.SUM);
await ops.fence();
const opsResult = rank === 0 ? Array.from(mem) : null;
await ops.fence(mpi.MODE_NOSUCCEED);
await ops.free();

// MAXLOC / MINLOC on (value, index) pairs: value = rank % 3 (ties), index = rank; ties go to the smaller index
const pairs = await mpi.Win.allocate(2, mpi.FLOAT64_INT, comm);
const pairBytes = new DataView((pairs.memory as Uint8Array).buffer);
const extent = mpi.FLOAT64_INT.extent;
if (rank === 0) for (const [k, v] of [[0, -1], [1, 99]]) { pairBytes.setFloat64(k * extent, v, true); pairBytes.setInt32(k * extent + 8, 99, true); }
const mine = new Uint8Array(extent);
new DataView(mine.buffer).setFloat64(0, rank % 3, true);
new DataView(mine.buffer).setInt32(8, rank, true);
await pairs.fence();
pairs.accumulate(mpi.buf(mine, mpi.FLOAT64_INT, 1), 0, 0, mpi.MAXLOC);
pairs.accumulate(mpi.buf(mine, mpi.FLOAT64_INT, 1), 0, 1, mpi.MINLOC);
await pairs.fence(mpi.MODE_NOSUCCEED);
const loc = rank === 0 ? [0, 1].map((k) => [pairBytes.getFloat64(k * extent, true), pairBytes.getInt32(k * extent + 8, true)]) : null;
await pairs.free();

console.log(JSON.stringify({ rank, size, loc, afterPut, neighbour: Array.from(neighbour), firsts: Array.from(firsts), accumulated, opsResult, fetched: fetched[0], read: read[0], old }));
await mpi.finalize();
