// Test program (issue 6; docs/rma.md "progress"): a passive target is served only while it awaits.
// (1) rank 0 polls its own window with `await win.sync()` in the loop: rank 1's lock/put/unlock gets
// through. (2) rank 0 spins synchronously for a while: rank 1's unlock cannot complete before the spin
// ends (no asynchronous progress thread, as in MPI without one). np = 2. Prints JSON per rank.
import * as mpi from "tsmpi";

const comm = await mpi.init();
const { rank } = comm;
const win = await mpi.Win.create(new Int32Array(2), comm);
const mem = win.memory as Int32Array;
const out: Record<string, unknown> = { rank };

if (rank === 0) {
  while (mem[0] === 0) await win.sync(); // (1) served while awaiting
  out.polledValue = mem[0];
  await comm.send("spinning", 1, 0);
  let iterations = 0;
  const end = Date.now() + 300;
  while (Date.now() < end) iterations++; // (2) no await: nothing is served
  out.spinIterations = iterations;
  await comm.send(Date.now(), 1, 1);
} else {
  await win.lock(0, mpi.LOCK_EXCLUSIVE);
  win.put(new Int32Array([7]), 0, 0);
  await win.unlock(0);
  await comm.recv(0, 0);
  await win.lock(0, mpi.LOCK_EXCLUSIVE);
  win.put(new Int32Array([8]), 0, 1);
  await win.unlock(0);
  const unlocked = Date.now();
  const spinEnded = (await comm.recv(0, 1)) as number;
  out.putWhileSpinning = unlocked < spinEnded;
}
await win.free();
console.log(JSON.stringify(out));
await mpi.finalize();
