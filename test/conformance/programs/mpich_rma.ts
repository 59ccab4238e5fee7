// Conformance: MPICH test/mpi/rma cases on one-sided synchronisation: transpose1.c (a put with a derived
// target type in a fence epoch), fetchandadd.c (a shared counter under exclusive locks), lockcontention.c
// (puts and gets from two origins under exclusive locks), wintest.c (PSCW with win.test polling),
// rmanull.c (every operation to PROC_NULL in every kind of epoch). Sizes are the originals under
// CONFORMANCE_FULL=1, smaller by default.
import * as mpi from "tsmpi";
import { Suite, eq } from "./lib/harness.ts";
import { poll } from "./lib/values.ts";

const suite = new Suite();
const world = await mpi.init();
const full = process.env.CONFORMANCE_FULL === "1";
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** The first `n` ranks in a communicator of their own (MPICH's CommDeuce / CommThree); null elsewhere. */
async function firstRanks(n: number): Promise<mpi.Intracomm | null> {
  const sub = await world.split(world.rank < n ? 0 : 1, world.rank);
  if (world.rank < n) return sub;
  await sub?.free();
  return null;
}

suite.case("transpose1", async () => {
  if (world.size < 2) return;
  const comm = await firstRanks(2);
  if (!comm) return;
  const N = full ? 1000 : 200;
  const A = new Int32Array(N * N);
  if (comm.rank === 0) {
    A.forEach((_, k) => (A[k] = k));
    const column = mpi.Datatype.vector(N, 1, N, mpi.INT32);
    const xpose = mpi.Datatype.hvector(N, 1, 4, column).commit();
    const win = await mpi.Win.create(new Int32Array(0), comm, { dispUnit: 1 });
    await win.fence();
    win.put(mpi.buf(A, mpi.INT32, N * N), 1, 0, xpose, 1);
    await win.fence();
    await win.free();
  } else {
    A.fill(-1);
    const win = await mpi.Win.create(A, comm, { dispUnit: 4 });
    await win.fence();
    await win.fence();
    const wrong = range(N * N).filter((k) => A[k] !== (k % N) * N + Math.floor(k / N));
    eq(wrong.length, 0, `transposed elements (first wrong at ${wrong[0]})`);
    await win.free();
  }
  await comm.free();
});

suite.case("fetchandadd", async () => {
  // rank 0 holds one counter slot per rank; each other rank adds 1 to its slot and reads all others
  // (an indexed type that skips its own slot) NTIMES, under an exclusive lock; the values seen are unique
  const NTIMES = 20;
  const nprocs = world.size;
  if (world.rank === 0) {
    const win = await mpi.Win.create(new Int32Array(nprocs), world, { dispUnit: 4 });
    await win.free();
    const results = await world.gather<number[]>([], 0);
    const seen = results!.slice(1).flat().sort((a, b) => a - b);
    eq(seen, range(NTIMES * (nprocs - 1)), "every counter value seen exactly once");
  } else {
    const me = world.rank;
    const getType = mpi.Datatype.indexed([me, nprocs - me - 1], [0, me + 1], mpi.INT32).commit();
    const win = await mpi.Win.create(new Int32Array(0), world, { dispUnit: 1 });
    const values: number[] = [];
    let local = 0;
    for (let i = 0; i < NTIMES; i++) {
      const all = new Int32Array(nprocs);
      await win.lock(0, mpi.LOCK_EXCLUSIVE);
      win.accumulate(mpi.buf(Int32Array.of(1), mpi.INT32, 1), 0, me, mpi.SUM, mpi.INT32, 1);
      win.get(mpi.buf(all, getType, 1), 0, 0, getType, 1);
      await win.unlock(0);
      all[me] = local;
      values.push(all.reduce((a, b) => a + b, 0));
      local++;
    }
    await win.free();
    await world.gather(values, 0);
  }
});

suite.case("lockcontention", async () => {
  if (world.size < 3) return;
  const comm = await firstRanks(3);
  if (!comm) return;
  const SIZE1 = 100;
  const SIZE2 = 200;
  const A = new Int32Array(SIZE2);
  const B = new Int32Array(SIZE2);
  if (comm.rank === 0) A.forEach((_, i) => (A[i] = B[i] = i));
  else if (comm.rank === 2) { A.fill(-1); B.fill(-1); }
  else B.forEach((_, i) => (B[i] = -4 * i));
  const win = await mpi.Win.create(B, comm, { dispUnit: 4 });
  const target = 1;
  if (comm.rank === 0) {
    for (let i = 0; i < SIZE1; i++) {
      await win.lock(target, mpi.LOCK_EXCLUSIVE);
      win.put(mpi.buf(A.subarray(i, i + 1)), target, i);
      await win.unlock(target);
    }
    await win.free();
  } else if (comm.rank === 2) {
    for (let i = 0; i < SIZE1; i++) {
      await win.lock(target, mpi.LOCK_EXCLUSIVE);
      win.get(mpi.buf(A.subarray(i, i + 1)), target, SIZE1 + i);
      await win.unlock(target);
    }
    await win.free();
    eq(Array.from(A.subarray(0, SIZE1)), range(SIZE1).map((i) => -4 * (i + SIZE1)), "values read from the target");
  } else {
    await win.free();
    eq(Array.from(B.subarray(0, SIZE1)), range(SIZE1), "values put at the target");
  }
  await comm.free();
});

suite.case("wintest", async () => {
  if (world.size < 2) return;
  const comm = await firstRanks(2);
  if (!comm) return;
  const SIZE1 = 10;
  const SIZE2 = 20;
  if (comm.rank === 0) {
    const A = Int32Array.from(range(SIZE2));
    const B = Int32Array.from(range(SIZE2));
    const win = await mpi.Win.create(new Int32Array(0), comm, { dispUnit: 1 });
    await win.start(comm.group.incl([1]));
    for (let i = 0; i < SIZE1; i++) win.put(mpi.buf(A.subarray(i, i + 1)), 1, i);
    for (let i = 0; i < SIZE1; i++) win.get(mpi.buf(B.subarray(i, i + 1)), 1, SIZE1 + i);
    await win.complete();
    eq(Array.from(B.subarray(0, SIZE1)), range(SIZE1).map((i) => -4 * (i + SIZE1)), "values got in the access epoch");
    await win.free();
  } else {
    const B = new Int32Array(SIZE2);
    const win = await mpi.Win.create(B, comm, { dispUnit: 4 });
    await win.lock(comm.rank, mpi.LOCK_SHARED);
    B.forEach((_, i) => (B[i] = -4 * i));
    await win.unlock(comm.rank);
    await win.post(comm.group.incl([0]));
    await poll(() => win.test());
    eq(Array.from(B.subarray(0, SIZE1)), range(SIZE1), "values put in the exposure epoch");
    await win.free();
  }
  await comm.free();
});

suite.case("rmanull", async () => {
  const win = await mpi.Win.create(new Int32Array(10), world, { dispUnit: 4 });
  const ops = () => {
    win.put(mpi.buf(new Int32Array(10)), mpi.PROC_NULL, 0);
    win.get(mpi.buf(new Int32Array(10)), mpi.PROC_NULL, 0);
    win.accumulate(mpi.buf(new Int32Array(10)), mpi.PROC_NULL, 0, mpi.SUM);
    win.getAccumulate(mpi.buf(new Int32Array(10)), mpi.buf(new Int32Array(10)), mpi.PROC_NULL, 0, mpi.SUM);
  };
  await win.fence();
  ops();
  await win.fence();
  await win.post(world.group);
  await win.start(world.group);
  ops();
  await win.complete();
  await win.wait();
  await win.lock(world.rank);
  ops();
  await win.unlock(world.rank);
  await win.lockAll();
  ops();
  await win.unlockAll();
  await win.free();
});

await suite.run();
