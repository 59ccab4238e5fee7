// Exercise 12.1 — Derived datatype I: an array of int32 sent as one item of a contiguous type.
// Statement: build a derived type made of K contiguous integers; two ranks exchange their arrays with
// count 1 of that type (one message each way instead of K integers).
// Run:   tsrun -np 2 exercises/mpi/type-contiguous.ts [--count 10]
// Grade: npm run grade -- 12.1
// Output: "rank 0 received 1 item of contiguous(10, INT32) from rank 1: [2000,2001,…,2009]" per rank.
// Rank r's array holds (r+1)*1000 + i at index i. Ranks beyond 1 take no part.
import * as mpi from "tsmpi";
import { numberOption } from "../common/args.ts";

const comm = await mpi.init();
if (comm.size < 2) throw new Error("this exchange needs 2 ranks: run with -np 2");
const K = numberOption("count", 10);
const { rank } = comm;

if (rank < 2) {
  const partner = 1 - rank;
  const mine = Int32Array.from({ length: K }, (_, i) => (rank + 1) * 1000 + i);
  // SOLUTION BEGIN: build a derived type of K contiguous int32, then exchange `mine` with `partner` as count 1 of that type (tag 0), receiving into `theirs`
  // STARTER: const theirs = new Int32Array(K);
  const row = mpi.Datatype.contiguous(K, mpi.INT32).commit();
  const theirs = new Int32Array(K);
  const sending = comm.isend(mpi.buf(mine, row, 1), partner, 0); // count 1 of the derived type
  await comm.recvInto(mpi.buf(theirs, row, 1), partner, 0);
  await sending.wait();
  // SOLUTION END
  console.log(`rank ${rank} received 1 item of contiguous(${K}, INT32) from rank ${partner}: [${theirs.join(",")}]`);
}
await mpi.finalize();
