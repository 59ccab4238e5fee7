// Test program: two live windows whose communicators' contexts are 2^15 apart (COMM_WORLD's and one made far
// along the context allocator), used in the same epochs. Such contexts once named the same CONTROL channel,
// so the second Win.create failed with "too many windows alive" or the two windows' frames crossed.
// argv[2] picks how the far communicator is made: "shrink" (the first shrunk context, 2^24) or "dup"
// (dup and free COMM_WORLD until a context is congruent to COMM_WORLD's modulo 2^15).
// Then windows used at once after creation, many rounds. Prints one JSON line per rank: the contexts, each
// window's memory after the epochs, what was read, and each round's fetched value and counter.
import * as mpi from "tsmpi";
import { contextOf } from "../../../runtime/internal.ts";

const FOLD = 1 << 15; // contexts congruent modulo this once shared a window channel

const world = await mpi.init();
const { rank, size } = world;
const mode = process.argv[2] ?? "shrink";

/** A communicator with COMM_WORLD's members and rank order whose context is congruent to COMM_WORLD's. */
async function farCommunicator(): Promise<mpi.Intracomm> {
  if (mode === "shrink") return world.shrink();
  for (;;) {
    const c = await world.dup();
    if (contextOf(c) % FOLD === contextOf(world) % FOLD) return c;
    await c.free();
  }
}

// the world window first, then a far communicator, then its window (the old second-creation failure)
const onWorld = new Int32Array(size + 1);
const winWorld = await mpi.Win.create(onWorld, world);
const far = await farCommunicator();
const farContext = contextOf(far);
const onFar = new Int32Array(size + 1);
const winFar = await mpi.Win.create(onFar, far);

// the same epochs on both: each rank puts into its own slot of every target and accumulates into the last
// slot, with different values per window, so frames delivered to the wrong window show in the memory
await winWorld.fence(mpi.MODE_NOPRECEDE);
await winFar.fence(mpi.MODE_NOPRECEDE);
for (let t = 0; t < size; t++) {
  winWorld.put(new Int32Array([1000 + rank * 10 + t]), t, rank);
  winFar.put(new Int32Array([2000 + rank * 10 + t]), t, rank);
  winWorld.accumulate(new Int32Array([rank + 1]), t, size, mpi.SUM);
  winFar.accumulate(new Int32Array([100 * (rank + 1)]), t, size, mpi.SUM);
}
await winWorld.fence();
await winFar.fence();
const right = (rank + 1) % size;
const worldRight = new Int32Array(size + 1);
const farRight = new Int32Array(size + 1);
winWorld.get(worldRight, right, 0);
winFar.get(farRight, right, 0);
await winWorld.fence(mpi.MODE_NOSUCCEED);
await winFar.fence(mpi.MODE_NOSUCCEED);
await winFar.free();
await winWorld.free();

// windows used the moment they exist: a rank done with the creation exchange may lock and fetchAndOp on a
// rank still inside it, which must answer on the channel it learns from that exchange; many rounds
const ROUNDS = 20;
const fetched: number[] = [];
const counters: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const comm = round % 2 === 0 ? far : world;
  const target = round % size;
  const counter = new Int32Array(1);
  const win = await mpi.Win.create(counter, comm);
  await win.lock(target, mpi.LOCK_SHARED);
  fetched.push(Number(await win.fetchAndOp(1, target, 0, mpi.SUM)));
  await win.unlock(target);
  await comm.barrier();
  counters.push(counter[0]);
  await win.free();
}
await far.free();

console.log(
  JSON.stringify({
    rank,
    worldContext: contextOf(world),
    farContext,
    onWorld: Array.from(onWorld),
    onFar: Array.from(onFar),
    worldRight: Array.from(worldRight),
    farRight: Array.from(farRight),
    fetched,
    counters,
  }),
);
await mpi.finalize();
