// Test program for the trace: a random but deadlock-free exchange pattern (the same seeded generator on
// every rank, so all agree on it). Each round every rank isends to rank+shift and receives from
// rank-shift, with a random tag and size; every 8 rounds a mark and an allreduce. Prints "ok <rank>".
import * as mpi from "tsmpi";

const comm = await mpi.init();
const { rank, size } = comm;
const rounds = Number(process.argv[2] ?? 40);
let seed = Number(process.argv[3] ?? 12345);
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

let total = 0;
for (let round = 0; round < rounds; round++) {
  const shift = 1 + Math.floor(random() * Math.max(1, size - 1));
  const tag = Math.floor(random() * 5);
  const bytes = 1 + Math.floor(random() * 2000);
  const sending = comm.isend(new Uint8Array(bytes).fill(rank), (rank + shift) % size, tag);
  const got = (await comm.recv((rank - shift + size) % size, tag)) as Uint8Array;
  total += got.length;
  await sending.wait();
  if (round % 8 === 7) {
    mpi.mark(`round ${round} done`);
    await comm.allreduce(total, mpi.SUM);
  }
}
console.log(`ok ${rank}`);
await mpi.finalize();
