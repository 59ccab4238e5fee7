// An intra-communicator (MPI-4 chapter 7): point-to-point (comm/communicator.ts), every collective
// (collective-comm.ts), and the communicator constructors, each collective over the parent: dup, split
// (colour UNDEFINED → null; ranks ordered by key, ties by old rank), create(group), createGroup(group, tag)
// (collective over the group's members only), createCart (cartcomm.ts), free; comm.group and compare.
// Every new communicator gets a fresh context pair agreed by its creators (contexts.ts).
import { ErrorCode, mpiError } from "../errors.ts";
import { TAG_UB, UNDEFINED, IDENT, CONGRUENT } from "../constants.ts";
import { MAX } from "../datatype/index.ts";
import { CollectiveComm } from "./collective-comm.ts";
import { allreduceValue } from "./allreduce.ts";
import { allgatherValue } from "./allgather.ts";
import { agreeContext, offerContext } from "./contexts.ts";
import { Group, compareMembers } from "./group.ts";
import type { Cartcomm } from "./cartcomm.ts";

type CartMaker = (parent: Intracomm, dims: number[], periods: (boolean | number)[], reorder: boolean) => Promise<Cartcomm | null>;

/** Set by cartcomm.ts (which extends this class, so this file cannot import it). */
export const topologyMakers: { cart: CartMaker | null } = { cart: null };

export class Intracomm extends CollectiveComm {
  /** MPI_Comm_group: the members of this communicator as a group. */
  get group(): Group {
    return new Group(this.members, this.world.rank);
  }

  /** A communicator like this one over `members` (Cartcomm keeps its topology). */
  protected derive(members: number[], context: number, name: string): Intracomm {
    return new Intracomm(this.world, members, context, name);
  }

  /** @internal Agrees on a new context over this communicator (the maximum of every member's offer). */
  agreeOnContext(op: string): Promise<number> {
    return this.run(op, async (c) => {
      const context = (await allreduceValue(c, offerContext(), MAX)) as number;
      agreeContext(context);
      return context;
    });
  }

  /** MPI_Comm_dup: same members, same order, new context. */
  async dup(): Promise<Intracomm> {
    const context = await this.agreeOnContext("dup()");
    return this.derive(this.members, context, `${this.name}.dup`);
  }

  /** MPI_Comm_split: one communicator per colour, ranks ordered by key then old rank; UNDEFINED → null. */
  async split(color: number, key = 0): Promise<Intracomm | null> {
    const op = `split(color=${color}, key=${key})`;
    if (color !== UNDEFINED && !(Number.isInteger(color) && color >= 0)) {
      throw mpiError(ErrorCode.ERR_ARG, op, "color must be a non-negative integer or mpi.UNDEFINED", { measured: color });
    }
    if (!Number.isInteger(key)) throw mpiError(ErrorCode.ERR_ARG, op, "key must be an integer", { measured: key });
    const offer = offerContext();
    const all = await this.run(op, (c) => allgatherValue(c, [color, key, offer]) as Promise<[number, number, number][]>, "split()");
    const context = Math.max(...all.map((x) => x[2]));
    agreeContext(context);
    if (color === UNDEFINED) return null;
    const ranks = all.map((x, r) => ({ r, color: x[0], key: x[1] })).filter((x) => x.color === color);
    ranks.sort((a, b) => a.key - b.key || a.r - b.r);
    return new Intracomm(this.world, ranks.map((x) => this.members[x.r]), context, `${this.name}.split(${color})`);
  }

  private checkSubgroup(op: string, group: Group): void {
    if (!(group instanceof Group)) throw mpiError(ErrorCode.ERR_GROUP, op, "not a group", { measured: typeof group, expected: "comm.group or a group made from it" });
    const mine = new Set(this.members);
    const stranger = group.members.find((w) => !mine.has(w));
    if (stranger !== undefined) {
      throw mpiError(ErrorCode.ERR_GROUP, op, `the group holds a process that is not in ${this.name}`, { measured: `world rank ${stranger}`, hint: "Build the group from this communicator's group" });
    }
  }

  /** MPI_Comm_create: collective over this communicator; members of `group` get the new communicator, others null. */
  async create(group: Group): Promise<Intracomm | null> {
    this.checkSubgroup("create(group)", group);
    const context = await this.agreeOnContext(`create(group of ${group.size})`);
    return group.rank === UNDEFINED ? null : new Intracomm(this.world, [...group.members], context, `${this.name}.create`);
  }

  /** MPI_Comm_create_group: collective over the group's members only (tag tells concurrent calls apart). */
  async createGroup(group: Group, tag = 0): Promise<Intracomm | null> {
    const op = `createGroup(group of ${group?.size}, tag=${tag})`;
    this.checkSubgroup(op, group);
    if (!Number.isInteger(tag) || tag < 0 || tag > TAG_UB) throw mpiError(ErrorCode.ERR_TAG, op, "invalid tag", { measured: tag, expected: `0..${TAG_UB}` });
    if (group.rank === UNDEFINED) return null;
    const members = [...group.members];
    const among = new Intracomm(this.world, members, this.context, `${this.name}.createGroup`);
    among.fixedCollTag = -2 - tag; // negative: never a tag of this communicator's own collectives
    const context = await among.agreeOnContext(op);
    return new Intracomm(this.world, members, context, `${this.name}.createGroup`);
  }

  /** MPI_Cart_create: a cartesian topology over the first prod(dims) ranks; the others get null. */
  createCart(dims: number[], periods: (boolean | number)[] = [], reorder = false): Promise<Cartcomm | null> {
    return topologyMakers.cart!(this, dims, periods, reorder);
  }

  /** MPI_Comm_free: the communicator can no longer be used. */
  async free(): Promise<void> {
    if (this.context < 4) throw mpiError(ErrorCode.ERR_COMM, `${this.name}.free()`, `${this.name} cannot be freed`);
    this.freed = true;
  }
}

/** MPI_Comm_compare: IDENT (same communicator), CONGRUENT (same members and order), SIMILAR (same members), UNEQUAL. */
export function compare(a: Intracomm, b: Intracomm): number {
  if (!a || !b) throw mpiError(ErrorCode.ERR_COMM, "compare", "a communicator is null", { hint: "compare two live communicators" });
  if (a === b || (a.context === b.context && compareMembers(a.members, b.members, IDENT) === IDENT)) return IDENT;
  return compareMembers(a.members, b.members, CONGRUENT);
}
