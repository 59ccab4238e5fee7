// Test program (issue 6, MPI-4 §12.3.4 MPI_Fetch_and_op, §12.5.3 locks): a shared counter in rank 0's
// window, incremented k times by every rank (rank 0 too) with fetchAndOp, in three modes given as the
// first argument: "exclusive" (lock/unlock LOCK_EXCLUSIVE around each), "shared" (LOCK_SHARED: the
// accumulate is still atomic), "lockAll" (one lockAll epoch; after each increment an atomic read
// landed by flushLocal/flushLocalAll, then flush/flushAll). Second argument: k.
// Rank 0 serves the window only while it awaits. Prints each rank's fetched values as JSON.
import * as mpi from "tsmpi";

const comm = await mpi.init();
const mode = process.argv[2] ?? "exclusive";
const k = Number(process.argv[3] ?? 20);
const win = await mpi.Win.allocate(1, mpi.INT64, comm);
const values: number[] = [];
const reads: number[] = []; // lockAll mode: the counter read right after each increment

if (mode === "lockAll") {
  await win.lockAll();
  for (let i = 0; i < k; i++) {
    values.push(Number(await win.fetchAndOp(1n, 0, 0, mpi.SUM)));
    const now = new BigInt64Array([-1n]);
    win.getAccumulate(null, now, 0, 0, mpi.NO_OP); // an atomic read, landed by flushLocal
    await (i % 2 ? win.flushLocal(0) : win.flushLocalAll());
    reads.push(Number(now[0]));
    await (i % 2 ? win.flush(0) : win.flushAll());
  }
  await win.unlockAll();
} else {
  const type = mode === "shared" ? mpi.LOCK_SHARED : mpi.LOCK_EXCLUSIVE;
  for (let i = 0; i < k; i++) {
    await win.lock(0, type);
    values.push(Number(await win.fetchAndOp(1n, 0, 0, mpi.SUM)));
    await win.unlock(0);
  }
}
await win.fence(); // everyone's epochs are over: rank 0 reads the final value
const final = comm.rank === 0 ? Number((win.memory as BigInt64Array)[0]) : null;
await win.fence(mpi.MODE_NOSUCCEED);
await win.free();
console.log(JSON.stringify({ rank: comm.rank, values, reads, final }));
await mpi.finalize();
