// Test program (issue 6, MPI-4 §12.3.4 MPI_Compare_and_swap): a spin lock built with compareAndSwap on
// rank 0's window, protecting a NON-atomic read-modify-write of a counter (get, flush, put, flush), k times
// per rank inside one lockAll epoch; the lock is released with fetchAndOp(REPLACE). With a correct
// compareAndSwap no update is lost: the counter ends at size × k. Prints JSON per rank.
import * as mpi from "tsmpi";

const comm = await mpi.init();
const { rank, size } = comm;
const k = Number(process.argv[2] ?? 10);
const win = await mpi.Win.create(new Int32Array(2), comm); // [lock word, counter]
let spins = 0;
const owners: number[] = [];

await win.lockAll();
for (let i = 0; i < k; i++) {
  for (;;) {
    const was = await win.compareAndSwap(rank + 1, 0, 0, 0);
    if (was === 0) break;
    spins++;
  }
  const held = new Int32Array(1);
  const counter = new Int32Array(1);
  win.get(held, 0, 0);
  win.get(counter, 0, 1);
  await win.flush(0);
  owners.push(held[0]);
  win.put(new Int32Array([counter[0] + 1]), 0, 1);
  await win.flush(0);
  await win.fetchAndOp(0, 0, 0, mpi.REPLACE);
}
await win.unlockAll();
await win.fence();
const final = rank === 0 ? Array.from(win.memory as Int32Array) : null;
await win.fence(mpi.MODE_NOSUCCEED);
await win.free();
console.log(JSON.stringify({ rank, size, k, spins, owners, final }));
await mpi.finalize();
