// How new communicators are made (MPI-4 §7.4), for the constructors of Intracomm (runtime/mpi/intracomm.ts):
// each is collective over the parent and gives every member the same fresh context, agreed as the
// maximum of every member's offer (contexts.ts). dup keeps members and order; split orders each colour's
// ranks by key, ties by old rank (colour UNDEFINED → null); create(group) is collective over the parent,
// createGroup(group, tag) over the group's members only; compare says IDENT, CONGRUENT, SIMILAR or UNEQUAL.
import { ErrorCode, mpiError } from "../errors.ts";
import { TAG_UB, UNDEFINED, IDENT, CONGRUENT } from "../constants.ts";
import type { CommCore } from "../comm/communicator.ts";
import { MAX } from "../datatype/index.ts";
import { runCollective } from "./collective-comm.ts";
import { allreduceValue } from "./allreduce.ts";
import { allgatherValue } from "./allgather.ts";
import { agreeContext, offerContext } from "./contexts.ts";
import { compareMembers } from "./group.ts";

/** Agrees on a new context over `comm` (the maximum of every member's offer). */
export function agreeOnContext(comm: CommCore, op: string): Promise<number> {
  return runCollective(comm, op, async (c) => {
    const context = (await allreduceValue(c, offerContext(), MAX)) as number;
    agreeContext(context);
    return context;
  });
}

/** MPI_Comm_dup: same members, same order (and topology), new context. */
export async function dupComm(comm: CommCore): Promise<CommCore> {
  const context = await agreeOnContext(comm, "dup()");
  return comm.derive(comm.members, context, `${comm.name}.dup`);
}

/** MPI_Comm_split: one communicator per colour, ranks ordered by key then old rank; UNDEFINED → null. */
export async function splitComm(comm: CommCore, color: number, key: number): Promise<CommCore | null> {
  const op = `split(color=${color}, key=${key})`;
  if (color !== UNDEFINED && !(Number.isInteger(color) && color >= 0)) {
    throw mpiError(ErrorCode.ERR_ARG, op, "color must be a non-negative integer or mpi.UNDEFINED", { measured: color });
  }
  if (!Number.isInteger(key)) throw mpiError(ErrorCode.ERR_ARG, op, "key must be an integer", { measured: key });
  const offer = offerContext();
  const all = await runCollective(
    comm,
    op,
    (c) => allgatherValue(c, [color, key, offer]) as Promise<[number, number, number][]>,
    "split()",
  );
  const context = Math.max(...all.map((x) => x[2]));
  agreeContext(context);
  if (color === UNDEFINED) return null;
  const ranks = all.map((x, r) => ({ r, color: x[0], key: x[1] })).filter((x) => x.color === color);
  ranks.sort((a, b) => a.key - b.key || a.r - b.r);
  return comm.derive(
    ranks.map((x) => comm.members[x.r]),
    context,
    `${comm.name}.split(${color})`,
    null,
  );
}

/** ERR_GROUP unless every world rank of `members` is a member of `comm`. */
function checkSubgroup(comm: CommCore, op: string, members: readonly number[]): void {
  const mine = new Set(comm.members);
  const stranger = members.find((w) => !mine.has(w));
  if (stranger !== undefined) {
    throw mpiError(ErrorCode.ERR_GROUP, op, `the group holds a process that is not in ${comm.name}`, {
      measured: `world rank ${stranger}`,
      hint: "Build the group from this communicator's group",
    });
  }
}

/** MPI_Comm_create: collective over `comm`; the group's members (world ranks) get the new communicator, others null. */
export async function createComm(comm: CommCore, members: readonly number[]): Promise<CommCore | null> {
  checkSubgroup(comm, "create(group)", members);
  const context = await agreeOnContext(comm, `create(group of ${members.length})`);
  return members.includes(comm.world.rank) ? comm.derive([...members], context, `${comm.name}.create`, null) : null;
}

/** MPI_Comm_create_group: collective over the group's members only (tag tells concurrent calls apart). */
export async function createGroupComm(
  comm: CommCore,
  members: readonly number[],
  tag: number,
): Promise<CommCore | null> {
  const op = `createGroup(group of ${members.length}, tag=${tag})`;
  checkSubgroup(comm, op, members);
  if (!Number.isInteger(tag) || tag < 0 || tag > TAG_UB)
    throw mpiError(ErrorCode.ERR_TAG, op, "invalid tag", { measured: tag, expected: `0..${TAG_UB}` });
  if (!members.includes(comm.world.rank)) return null;
  const among = comm.derive([...members], comm.context, `${comm.name}.createGroup`, null);
  among.fixedCollTag = -2 - tag; // negative: never a tag of this communicator's own collectives
  const context = await agreeOnContext(among, op);
  return comm.derive([...members], context, `${comm.name}.createGroup`, null);
}

/** MPI_Comm_free: the communicator can no longer be used (COMM_WORLD and COMM_SELF cannot be freed). */
export function freeComm(comm: CommCore): void {
  if (comm.context < 4) throw mpiError(ErrorCode.ERR_COMM, `${comm.name}.free()`, `${comm.name} cannot be freed`);
  comm.freed = true;
}

/** MPI_Comm_compare: IDENT (same communicator), CONGRUENT (same members and order), SIMILAR (same members), UNEQUAL. */
export function compareComms(a: CommCore, b: CommCore): number {
  if (a === b || (a.context === b.context && compareMembers(a.members, b.members, IDENT) === IDENT)) return IDENT;
  return compareMembers(a.members, b.members, CONGRUENT);
}
