// Exercise 9.5 — A bug! (the fix)
// Statement: ranks pair up (0↔1, 2↔3, …) and exchange 1000 int32; the fix gives every send its receive,
// posted at the same time (sendrecv), so the exchange completes whatever the message size.
// Run:   tsrun -np 4 exercises/mpi/bug-fixed.ts
// Grade: npm run grade -- 9.5 [--program my-fix.ts]
// Output: one line per rank: "rank 0 received 1000 int32 from rank 1: 1000 1001 … 1999 (sum 1499500)";
//         with an odd number of ranks the last one prints "rank 4 has no partner".
// Rank r's array holds r*1000 + i at index i, so each rank can show whose array it now holds.
import * as mpi from "tsmpi";

const comm = await mpi.init();
const { rank, size } = comm;
const partner = rank % 2 ? rank - 1 : rank + 1;

if (partner >= size) {
  console.log(`rank ${rank} has no partner`);
} else {
  const data = Int32Array.from({ length: 1000 }, (_, i) => rank * 1000 + i);
  // SOLUTION BEGIN: exchange `data` with `partner` so that neither rank can wait forever (tag 42); keep what arrives in `got`
  // STARTER: const got = new Int32Array(0);
  // both directions at once: the runtime posts the receive before waiting for the send
  const got = (await comm.sendrecv(data, partner, 42, partner, 42)) as Int32Array;
  // SOLUTION END
  const sum = got.reduce((a, b) => a + b, 0);
  console.log(
    `rank ${rank} received ${got.length} int32 from rank ${partner}: ${got[0]} ${got[1]} … ${got[got.length - 1]} (sum ${sum})`,
  );
}
await mpi.finalize();
