// A token ring with a wrong tag, for the trace view's tests and screenshots (docs/diagnostics.md): rank 0
// sends the token with tag 1, the others wait for tag 2, so the token never leaves rank 1's queue.
import * as mpi from "tsmpi";

const comm = await mpi.init();
const { rank, size } = comm;
const left = (rank - 1 + size) % size;
const right = (rank + 1) % size;

if (rank === 0) {
  await comm.send(0, right, 1);
  const token = (await comm.recv(left, 2)) as number;
  console.log(`rank 0: token back with ${token}`);
} else {
  const token = (await comm.recv(left, 2)) as number;
  await comm.send(token + rank, right, 2);
}
await mpi.finalize();
