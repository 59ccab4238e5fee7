// The internal entry of tsmpi, for the project's own tests and benchmarks only (never for users, never
// re-exported by runtime/index.ts): what they need of the objects whose insides are private — the engine
// side of a communicator and the World behind it, a group's world ranks — and the buffer packing the
// benchmarks time. Test programs and benchmarks import "tsmpi" and, when they must, this file; nothing else
// of runtime/ (test/layering.test.ts).
import type { World } from "./comm/world.ts";
import { CommCore } from "./comm/communicator.ts";
import { commCore, type Comm } from "./mpi/comm.ts";
import { newIntracomm, type Intracomm } from "./mpi/intracomm.ts";

export { CommCore };
export { newGroup, groupMembers } from "./mpi/group.ts";
export { packBuf, unpackBuf } from "./datatype/index.ts";

/** The World (engine, transport, peers) behind a communicator. */
export function worldOf(comm: Comm): World {
  return commCore(comm).world;
}

/** The world ranks of a communicator's members, by rank. */
export function membersOf(comm: Comm): readonly number[] {
  return commCore(comm).members;
}

/** The context id of a communicator (its point-to-point context; collectives use the next one). */
export function contextOf(comm: Comm): number {
  return commCore(comm).context;
}

/** A COMM_WORLD-like Intracomm over `members` of `world` with the given context (tests over the in-memory transport). */
export function intracommOver(world: World, members: number[], context: number, name: string): Intracomm {
  return newIntracomm(new CommCore(world, members, context, name));
}
