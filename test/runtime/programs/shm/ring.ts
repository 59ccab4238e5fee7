// Test program for ranks as threads (--transport shm): see test/runtime/shm.test.ts. A token around the
// ring, a 3 MiB array around the ring (larger than a shared-memory ring), and an allreduce.
import * as mpi from "tsmpi";

const comm = await mpi.init();
const next = (comm.rank + 1) % comm.size;
const prev = (comm.rank + comm.size - 1) % comm.size;
if (comm.rank === 0) {
  await comm.send(0, next);
  console.log(`token ${(await comm.recv(prev)) as number}`);
} else {
  const token = (await comm.recv(prev)) as number;
  await comm.send(token + comm.rank, next);
}
const big = new Float64Array(3 * 131072).map((_, i) => i + comm.rank);
const [got] = await Promise.all([comm.recv(prev, 1), comm.send(big, next, 1)]);
const arrived = got as Float64Array;
const intact = arrived.length === big.length && arrived.every((v, i) => v === i + prev);
const sum = await comm.allreduce(comm.rank);
console.log(`rank ${comm.rank} of ${comm.size} sum ${sum} big ${intact ? "intact" : "corrupt"}`);
await mpi.finalize();
