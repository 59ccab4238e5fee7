// MPI_Barrier for ranks that run as threads of one process (`--transport shm`): a central counter in the
// segment instead of messages. Each communicator whose members all share the segment gets a slot of the
// barrier table, found by probing from a hash of its key (collective context and first member: the groups
// of one split share a context, never a first member) and claimed with a compare-and-swap. Slots are never
// given back, so every member finds the same slot, or every member finds none and the communicator keeps
// the dissemination barrier.
// A rank reads the slot's generation, then adds itself to its arrival count; the last to arrive resets the
// count, then bumps the generation and wakes the waiters (sense reversal: a rank that leaves at once and
// enters the next barrier counts towards the next generation). A waiter polls as the engine's blocking
// calls do (no polling when ranks outnumber cores), then sleeps in Atomics.waitAsync on the generation.
// Only blocking barriers use it: a nonblocking ibarrier keeps its messages, and so does a traced run.
import { BARRIER_SLOTS } from "../wire/bootstrap.ts";
import { waitAsync, type SharedBarrierTable } from "../wire/shared-memory.ts";
import { barrierDissemination } from "./barrier.ts";
import type { CollCall } from "./call.ts";
import { forcedAlgorithms } from "./select.ts";
import { sharedSlabs } from "./shared.ts";
import { tracing } from "../trace/tracer.ts";

const PROBES = 16;
const ARRIVED = 2;
const GENERATION = 3;

const slotOf = new WeakMap<object, number>();

/**
 * The barrier: through the shared table when this call may use it, else by dissemination: forced with
 * TSMPI_COLL=barrier=dissemination; in a traced run (its messages carry the vector clocks that order the
 * trace's events); on createGroup's temporary communicator, which shares its parent's context.
 */
export async function barrierOfCall(c: CollCall): Promise<void> {
  const usable =
    sharedSlabs(c) !== null &&
    c.comm.fixedCollTag === null &&
    !tracing() &&
    forcedAlgorithms().get("barrier") !== "dissemination";
  const table = usable ? c.comm.world.sharedBarriers : null;
  const slot = table ? slotFor(c, table) : -1;
  await (slot >= 0 ? barrierShared(c, table!, slot) : barrierDissemination(c));
}

/** This communicator's slot (the same on every member), claimed on first use; -1 when none is free. */
function slotFor(c: CollCall, table: SharedBarrierTable): number {
  const known = slotOf.get(c.comm);
  if (known !== undefined) return known;
  const slot = claimSlot(table, barrierKey(c.comm.collContext, c.comm.members[0]));
  slotOf.set(c.comm, slot);
  return slot;
}

/** A communicator's key in the table: its collective context and its first member (world rank), never 0. */
export function barrierKey(context: number, firstMember: number): bigint {
  return (BigInt(context) << 32n) | BigInt(firstMember + 1);
}

/**
 * The slot of `key`: the first of PROBES slots from its home that holds it or was free and is now its own.
 * Slots are never freed, so every caller with the same key gets the same answer.
 */
export function claimSlot(table: SharedBarrierTable, key: bigint): number {
  const home = Number(key % BigInt(BARRIER_SLOTS));
  for (let i = 0; i < PROBES; i++) {
    const slot = (home + i) % BARRIER_SLOTS;
    const held = Atomics.compareExchange(table.keys, slot * 2, 0n, key);
    if (held === 0n || held === key) return slot;
  }
  return -1;
}

async function barrierShared(c: CollCall, table: SharedBarrierTable, slot: number): Promise<void> {
  const { words } = table;
  const generation = slot * 4 + GENERATION;
  const seen = Atomics.load(words, generation);
  if (Atomics.add(words, slot * 4 + ARRIVED, 1) + 1 === c.size) {
    Atomics.store(words, slot * 4 + ARRIVED, 0);
    Atomics.add(words, generation, 1);
    Atomics.notify(words, generation);
    return;
  }
  const waiting = () => Atomics.load(words, generation) === seen;
  await c.comm.world.engine.spinWhile(waiting);
  // (the thread stays up meanwhile: a blocked call holds the runtime's keep-alive timer, trace/activity.ts)
  while (waiting()) {
    const wait = waitAsync(words, generation, seen);
    if (wait.async) await wait.value;
  }
}
