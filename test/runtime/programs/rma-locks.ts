// Test program (issue 6, MPI-4 §12.5.3): passive-target locks on rank 0's window, which rank 0 serves
// while it awaits. (1) exclusive excludes: rank 2 asks for the lock while rank 1 holds it and writes
// 1..50 with a flush after each; rank 2 must read 50. (2) shared shares: ranks 1 and 2 hold LOCK_SHARED at
// the same time (each waits for the other inside its epoch; a lock that excluded would hang). (3) local
// and remote read-modify-write under LOCK_EXCLUSIVE: rank 0 with loads/stores on its own window, the others
// with get/flush/put: no lost update. (4) fairness: a shared request arriving after a waiting exclusive one
// waits behind it. (5) readers streaming shared epochs do not starve a writer.
// Needs np >= 3 (part 5: np >= 4). Prints JSON per rank.
import * as mpi from "tsmpi";

const comm = await mpi.init();
const { rank, size } = comm;
const K = 10;
const MAX_READS = 3000;
const win = await mpi.Win.create(new Int32Array(4), comm); // [written, unused, counter, flag]
const mem = win.memory as Int32Array;
const out: Record<string, unknown> = { rank, size };
/** Separates the parts: a fence that neither completes nor opens an epoch acts as a barrier. */
const barrier = () => win.fence(mpi.MODE_NOPRECEDE | mpi.MODE_NOSUCCEED);

// (1) exclusive excludes
if (rank === 1) {
  await win.lock(0, mpi.LOCK_EXCLUSIVE);
  for (let v = 1; v <= 50; v++) {
    win.put(new Int32Array([v]), 0, 0);
    await win.flush(0);
    if (v === 1) await comm.send("holding", 2, 1);
  }
  await win.unlock(0);
} else if (rank === 2) {
  await comm.recv(1, 1);
  const seen = new Int32Array(1);
  await win.lock(0, mpi.LOCK_EXCLUSIVE);
  win.get(seen, 0, 0);
  await win.unlock(0);
  out.exclusiveSaw = seen[0];
}

await barrier();

// (2) shared shares
if (rank === 1 || rank === 2) {
  const other = 3 - rank;
  await win.lock(0, mpi.LOCK_SHARED);
  await win.flush(0); // granted
  await comm.send("in", other, 2);
  await comm.recv(other, 2); // the other one is inside too
  await win.unlock(0);
  out.sharedTogether = true;
}

await barrier();

// (3) read-modify-write under LOCK_EXCLUSIVE, local on rank 0 and remote elsewhere
for (let i = 0; i < K; i++) {
  await win.lock(0, mpi.LOCK_EXCLUSIVE);
  if (rank === 0) {
    const v = mem[2];
    await new Promise(setImmediate); // let others' frames in while holding: they must wait
    mem[2] = v + 1;
  } else {
    const c = new Int32Array(1);
    win.get(c, 0, 2);
    await win.flush(0);
    win.put(new Int32Array([c[0] + 1]), 0, 2);
  }
  await win.unlock(0);
}

await barrier();

// (4) fairness, deterministic: rank 1 holds LOCK_SHARED; rank 0 asks LOCK_EXCLUSIVE on its own window;
// then rank 2 asks LOCK_SHARED (rank 0 learns it through a message that follows the LOCK frame on the same
// connection). A fair lock queues rank 2 behind rank 0, so rank 2 reads the flag rank 0 sets; a lock that
// let shared requests pass a waiting exclusive one would grant rank 2 at once and it would read 0.
if (rank === 1) {
  await win.lock(0, mpi.LOCK_SHARED);
  await win.flush(0);
  await comm.send("held", 0, 4);
  await comm.recv(0, 4); // released only once rank 2's request is queued
  await win.unlock(0);
} else if (rank === 0) {
  await comm.recv(1, 4);
  const exclusive = win.lock(0, mpi.LOCK_EXCLUSIVE);
  await comm.send("go", 2, 4);
  await comm.recv(2, 4);
  await comm.send("release", 1, 4);
  await exclusive;
  mem[3] = 1;
  await win.unlock(0);
} else if (rank === 2) {
  await comm.recv(0, 4);
  const flag = new Int32Array([-1]);
  await win.lock(0, mpi.LOCK_SHARED);
  win.get(flag, 0, 3);
  const flushed = win.flush(0);
  await comm.send("requested", 0, 4);
  await flushed;
  await win.unlock(0);
  out.lateReaderSaw = flag[0];
}
await barrier();

// (5) liveness: readers (ranks 1..size-2) stream shared epochs until they read the flag that the writer
// (rank size-1) sets under LOCK_EXCLUSIVE once they all stream
if (size >= 4) {
  if (rank === 0) mem[3] = 0;
  await barrier();
  const writer = size - 1;
  if (rank === writer) {
    for (let r = 1; r < writer; r++) await comm.recv(r, 5);
    await win.lock(0, mpi.LOCK_EXCLUSIVE);
    win.put(new Int32Array([1]), 0, 3);
    await win.unlock(0);
    out.writerDone = true;
  } else if (rank > 0) {
    let reads = 0;
    const flag = new Int32Array(1);
    while (reads < MAX_READS) {
      await win.lock(0, mpi.LOCK_SHARED);
      for (let j = 0; j < 3; j++) {
        win.get(flag, 0, 3);
        await win.flush(0);
      }
      await win.unlock(0);
      if (++reads === 1) await comm.send("streaming", writer, 5);
      if (flag[0] === 1) break;
    }
    out.reads = reads;
    out.starved = flag[0] !== 1;
  }
}

await win.fence();
if (rank === 0) out.counter = mem[2];
await win.fence(mpi.MODE_NOSUCCEED);
await win.free();
console.log(JSON.stringify(out));
await mpi.finalize();
