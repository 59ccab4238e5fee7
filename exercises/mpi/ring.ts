// Exercise 10.3 — Token ring: an integer token goes round the ring 0 → 1 → … → N-1 → 0, for any N ≥ 1.
// Statement: rank 0 creates the token; each rank receives it from its left neighbour, adds its rank,
// and passes it to its right neighbour; rank 0 checks the value when the token comes back.
// Run:   tsrun -np 8 exercises/mpi/ring.ts
// Grade: npm run grade -- 10.3
// Output: "rank 3 received token 6 from rank 2" per rank, then "rank 0: token back with 28 (expected 28)".
import * as mpi from "tsmpi";

const comm = await mpi.init();
const { rank, size } = comm;
const left = (rank - 1 + size) % size;
const right = (rank + 1) % size;
const expected = (size * (size - 1)) / 2;

// SOLUTION BEGIN: rank 0 sends token 0 right and waits for it to come back from the left; every other rank receives from the left, prints, adds its rank and sends right
if (rank === 0) {
  await comm.send(0, right, 0);
  const token = (await comm.recv(left, 0)) as number;
  console.log(`rank 0 received token ${token} from rank ${left}`);
  console.log(`rank 0: token back with ${token} (expected ${expected})`);
  if (token !== expected) throw new Error(`the token came back with ${token}, expected ${expected}`);
} else {
  const token = (await comm.recv(left, 0)) as number;
  console.log(`rank ${rank} received token ${token} from rank ${left}`);
  await comm.send(token + rank, right, 0);
}
// SOLUTION END
await mpi.finalize();
