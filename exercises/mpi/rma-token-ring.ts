// Exercise 13.2 — Token ring with one-sided communications and explicit synchronisation.
// Statement: the token ring of 10.3 where each rank puts the token into its right neighbour's window;
// a rank cannot see when its memory was written, so post/start/complete/wait (PSCW) says when.
// Run:   tsrun -np 8 exercises/mpi/rma-token-ring.ts
// Grade: npm run grade -- 13.2
// Output: "rank 3 received token 6 from rank 2" per rank, then "rank 0: token back with 28 (expected 28)".
// Each rank adds its rank to the token, as in 10.3. Rank r exposes its window to its left neighbour only
// (post/wait), and opens an access epoch to its right neighbour only (start/put/complete).
import * as mpi from "tsmpi";

const comm = await mpi.init();
const { rank, size } = comm;
const left = (rank - 1 + size) % size;
const right = (rank + 1) % size;
const expected = (size * (size - 1)) / 2;
const slot = new Int32Array(1); // where the left neighbour puts the token
const win = await mpi.Win.create(slot, comm);

async function receiveToken(): Promise<number> {
  // SOLUTION BEGIN: expose my window to my left neighbour until its put has landed, then return the token
  // STARTER: return 0;
  await win.post([left]); // expose my window to my left neighbour…
  await win.wait(); // …until it has completed its put
  return slot[0];
  // SOLUTION END
}
async function passToken(token: number): Promise<void> {
  // SOLUTION BEGIN: open an access epoch to my right neighbour and put the token into its window
  await win.start([right]);
  win.put(Int32Array.of(token), right, 0);
  await win.complete(); // the put is done at the target when its wait returns
  // SOLUTION END
}

if (size === 1) {
  console.log(`rank 0: token back with 0 (expected 0)`); // a ring of one: the token never leaves
} else if (rank === 0) {
  const receiving = receiveToken(); // exposed before the token can come back
  await passToken(0);
  const token = await receiving;
  console.log(`rank 0 received token ${token} from rank ${left}`);
  console.log(`rank 0: token back with ${token} (expected ${expected})`);
} else {
  const token = await receiveToken();
  console.log(`rank ${rank} received token ${token} from rank ${left}`);
  await passToken(token + rank);
}
await win.free();
await mpi.finalize();
