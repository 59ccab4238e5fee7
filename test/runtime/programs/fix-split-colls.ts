// Conformance: the mismatched-collectives check compares calls only among the members of one communicator.
// The colours of a split share a context id; each colour runs its own (correct) sequence of collectives.
//   uneven    even colour calls one more bcast than the odd colour, then an allreduce both do
//   nested    a split of a split, uneven per colour at both levels
//   dup       dups of the split communicators, uneven per colour
//   mismatch  a real mismatch inside one colour (roots differ): must still be reported
import * as mpi from "tsmpi";

const comm = await mpi.init();
const { rank } = comm;
const mode = process.argv[2];
const color = rank % 2;
const sub = (await comm.split(color))!;
const extra = async (c: mpi.Intracomm, n: number) => {
  for (let i = 0; i < n; i++) await c.bcast(i, 0);
};
let result: unknown = null;
if (mode === "uneven") {
  await extra(sub, color === 0 ? 3 : 2);
  result = await sub.allreduce(1);
} else if (mode === "nested") {
  await extra(sub, color === 0 ? 1 : 4);
  const inner = (await sub.split(sub.rank % 2))!;
  await extra(inner, sub.rank % 2 === 0 ? 2 : 5);
  await extra(sub, color);
  result = [await inner.allreduce(1), await sub.allreduce(1)];
} else if (mode === "dup") {
  const d = await sub.dup();
  await extra(d, color === 0 ? 4 : 1);
  await sub.barrier();
  const dd = await d.dup();
  await extra(dd, color === 0 ? 0 : 3);
  result = [await d.allreduce(1), await dd.allreduce(1)];
} else if (mode === "mismatch") {
  await extra(sub, color === 0 ? 1 : 3);
  if (color === 1) console.log(`armed ${rank}`);
  result = await sub.bcast(rank, color === 1 && sub.rank === sub.size - 1 ? 1 : 0);
}
await comm.barrier();
console.log(JSON.stringify({ rank, result }));
await mpi.finalize();
