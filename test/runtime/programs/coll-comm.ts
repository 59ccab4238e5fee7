// Communicators and topologies against their MPI definitions: COMM_SELF/COMM_NULL, dup and compare, split
// with colours and keys (UNDEFINED → null, key ties by old rank), groups with create/createGroup, free,
// cartesian grids (coords, rankOf, shift with PROC_NULL off non-periodic edges, sub), and point-to-point
// plus collectives running on the new communicators at the same time as on COMM_WORLD.
import * as mpi from "tsmpi";
import { Checks, range } from "./coll-check.ts";

const comm = await mpi.init();
const rank = comm.rank;
const p = comm.size;
const C = new Checks(rank);
const all = range(p);

// COMM_SELF, COMM_NULL
C.eq("COMM_SELF", [mpi.COMM_SELF.size, mpi.COMM_SELF.rank, await mpi.COMM_SELF.allreduce(rank + 5), await mpi.COMM_SELF.bcast("me")], [1, 0, rank + 5, "me"]);
C.eq("COMM_NULL", mpi.COMM_NULL, null);

// dup and compare
const dup = await comm.dup();
C.eq("compare", [mpi.compare(comm, comm), mpi.compare(comm, dup), dup.size, dup.rank], [mpi.IDENT, mpi.CONGRUENT, p, rank]);
C.eq("dup allgather", await dup.allgather(rank), all);

// split: colour rank % 3, key −rank (reverse order); rank 0 opts out
const color = rank === 0 && p > 1 ? mpi.UNDEFINED : rank % 3;
const part = await comm.split(color, -rank);
if (color === mpi.UNDEFINED) C.eq("split UNDEFINED", part, null);
else {
  const mates = all.filter((r) => r % 3 === color && !(r === 0 && p > 1)).reverse();
  C.eq("split members", await part!.allgather(rank), mates);
  C.eq("split rank", part!.rank, mates.indexOf(rank));
  // point-to-point on the new communicator, around its ring
  const n = part!.size;
  const got = await part!.sendrecv({ from: rank }, (part!.rank + 1) % n, 3, (part!.rank - 1 + n) % n, 3);
  C.eq("split sendrecv", got, { from: mates[(part!.rank - 1 + n) % n] });
}
const ties = await comm.split(rank % 2);
C.eq("split key ties keep old order", await ties!.allgather(rank), all.filter((r) => r % 2 === rank % 2));

// collectives on two communicators at once, each completed after the other started
const onTies = ties!.iallreduce(rank);
const onWorld = comm.iallreduce(1);
C.eq("interleaved", [await onWorld.wait(), await onTies.wait()], [p, all.filter((r) => r % 2 === rank % 2).reduce((a, b) => a + b, 0)]);

// groups → communicators
const g = comm.group;
C.eq("group", [g.size, g.rank], [p, rank]);
const evens = g.incl(all.filter((r) => r % 2 === 0));
const evenComm = await comm.create(evens);
if (rank % 2 === 0) C.eq("create members", await evenComm!.allgather(rank), all.filter((r) => r % 2 === 0));
else C.eq("create non-member", evenComm, null);
const reversed = await comm.create(g.incl([...all].reverse()));
C.eq("compare reversed", mpi.compare(comm, reversed!), p > 1 ? mpi.SIMILAR : mpi.CONGRUENT);
C.eq("reversed rank", reversed!.rank, p - 1 - rank);
const half = g.incl(range(Math.ceil(p / 2)));
if (half.rank !== mpi.UNDEFINED) {
  const hc = await comm.createGroup(half, 5);
  C.eq("createGroup", [hc!.size, await hc!.allreduce(1)], [half.size, half.size]);
}
C.eq("translateRanks", evens.translateRanks([0], g), [0]);

// free
await dup.free();
await C.throws("use after free", "ERR_COMM", /was freed/, () => dup.barrier());
await C.throws("free COMM_WORLD", "ERR_COMM", /cannot be freed/, () => comm.free());

// cartesian grid: dims from computeDims, periodic in dimension 0 only
const dims = mpi.computeDims(p, 2);
const cart = (await comm.createCart(dims, [true, false]))!;
C.eq("cart dims", [cart.dims, cart.periods, cart.size], [dims, [true, false], p]);
for (let r = 0; r < p; r++) C.eq(`coords/rankOf ${r}`, cart.rankOf(cart.coords(r)), r);
const [row, col] = cart.coords(rank);
C.eq("coords row-major", rank, row * dims[1] + col);
const [up, down] = cart.shift(0, 1);
C.eq("shift periodic", [up, down], [cart.rankOf([row - 1, col]), cart.rankOf([row + 1, col])]);
const [west, east] = cart.shift(1, 1);
C.eq("shift non-periodic", [west, east], [col === 0 ? mpi.PROC_NULL : rank - 1, col === dims[1] - 1 ? mpi.PROC_NULL : rank + 1]);
// halo exchange along dimension 1: PROC_NULL neighbours give undefined
const fromWest = await cart.sendrecv(rank, east, 1, west, 1);
C.eq("halo", fromWest, west === mpi.PROC_NULL ? undefined : west);
C.eq("cart collective", await cart.allreduce(1), p);
const rows = await cart.sub([false, true]);
C.eq("cart sub", [rows.size, rows.dims, await rows.allgather(rank)], [dims[1], [dims[1]], range(dims[1]).map((c) => row * dims[1] + c)]);
if (p > 1) {
  const line = await comm.createCart([p - 1], [false]);
  if (rank === p - 1) C.eq("cart leaves extra ranks out", line, null);
  else C.eq("cart line shift", line!.shift(0, 2), [rank - 2 < 0 ? mpi.PROC_NULL : rank - 2, rank + 2 >= p - 1 ? mpi.PROC_NULL : rank + 2]);
}
await C.throws("cart too big", "ERR_ARG", /more cells/, () => comm.createCart([p + 1], [false]));

await C.report(comm);
await mpi.finalize();
