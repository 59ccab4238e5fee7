// Test program (issue 6): the errors of one-sided calls, each caught and printed with its code and
// message: ERR_RMA_RANGE outside the target's window (put, get with a target count, fetchAndOp),
// ERR_RMA_SYNC for calls in the wrong epoch (put without an epoch, unlock without lock, lock inside a
// fence epoch with operations, fence inside a lock epoch, free inside an epoch, complete/wait/unlockAll/
// flush without their opening call), ERR_OP for a user op in accumulate, ERR_TYPE for a type that does
// not fit the target window, ERR_ARG for unknown assertion flags. Every rank runs the same sequence
// against its right neighbour, then frees the window cleanly. Prints JSON per rank.
import * as mpi from "tsmpi";

const comm = await mpi.init();
const { rank, size } = comm;
const right = (rank + 1) % size;
const win = await mpi.Win.create(new Float64Array(4), comm);
const errors: Record<string, { code: string; message: string } | null> = {};

async function expectError(name: string, call: () => unknown): Promise<void> {
  try {
    await call();
    errors[name] = null;
  } catch (err) {
    const e = err as mpi.MpiError;
    errors[name] = { code: e.code, message: e.message };
  }
}

await expectError("putWithoutEpoch", () => win.put(new Float64Array(1), right, 0));
await expectError("unlockWithoutLock", () => win.unlock(right));
await expectError("unlockAllWithoutLockAll", () => win.unlockAll());
await expectError("flushWithoutLock", () => win.flush(right));
await expectError("completeWithoutStart", () => win.complete());
await expectError("waitWithoutPost", () => win.wait());
await expectError("badAssert", () => win.fence(12345));

await win.fence();
await expectError("putRange", () => win.put(new Float64Array(2), right, 3));
await expectError("getRange", () => win.get(new Float64Array(5), right, 0, mpi.FLOAT64, 5));
await expectError("fetchRange", () => win.fetchAndOp(1, right, 4, mpi.SUM));
await expectError("userOp", () => win.accumulate(new Float64Array(1), right, 0, mpi.Op.create((a, b) => a + b)));
await expectError("typeMismatch", () => win.put(new Int32Array(2), right, 0));
win.put(new Float64Array([1]), right, 0); // an operation in the fence epoch
await expectError("lockInFenceEpoch", () => win.lock(right));
await win.fence(mpi.MODE_NOSUCCEED);

await win.lock(right, mpi.LOCK_SHARED);
await expectError("fenceInLock", () => win.fence());
await expectError("freeInLock", () => win.free());
await expectError("lockTwice", () => win.lock(right));
await win.unlock(right);

await win.free();
await expectError("putAfterFree", () => win.put(new Float64Array(1), right, 0));
console.log(JSON.stringify({ rank, size, right, errors }));
await mpi.finalize();
