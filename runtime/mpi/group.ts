// class Group (MPI_Group, MPI-4 §7.3): an ordered set of processes, local operations only — size, rank,
// incl/excl and their range forms, union/intersection/difference, translateRanks and compare — with MPI's
// rules (union keeps the first group's order then adds the second's new members; intersection and
// difference keep the first group's order). Communicators are built from groups by comm.create and
// comm.createGroup; windows take one in post/start.
import { ErrorCode, mpiError } from "../errors.ts";
import { PROC_NULL, UNDEFINED, IDENT } from "../constants.ts";
import { compareMembers } from "../collectives/group.ts";

let membersOf: (g: Group) => readonly number[];
let make: (members: readonly number[], me: number) => Group;

export class Group {
  /** World rank of each member, by rank in the group. */
  readonly #members: readonly number[];
  /** World rank of this process (-1 when unknown, as in GROUP_EMPTY). */
  readonly #me: number;

  private constructor(members: readonly number[], me: number) {
    this.#members = [...members];
    this.#me = me;
  }

  static {
    membersOf = (g) => g.#members;
    make = (members, me) => new Group(members, me);
  }

  /** MPI_Group_size. */
  get size(): number {
    return this.#members.length;
  }

  /** MPI_Group_rank: this process's rank in the group, or UNDEFINED if it is not a member. */
  get rank(): number {
    const i = this.#members.indexOf(this.#me);
    return i < 0 ? UNDEFINED : i;
  }

  /** MPI_Group_incl: the listed ranks, in the order listed. */
  incl(ranks: readonly number[]): Group {
    this.#checkRanks(`group.incl([${ranks.join(", ")}])`, ranks);
    return this.#with(ranks.map((r) => this.#members[r]));
  }

  /** MPI_Group_excl: every rank but the listed ones, in group order. */
  excl(ranks: readonly number[]): Group {
    this.#checkRanks(`group.excl([${ranks.join(", ")}])`, ranks);
    const out = new Set(ranks);
    return this.#with(this.#members.filter((_, i) => !out.has(i)));
  }

  /** MPI_Group_range_incl: ranks first, first+stride, … up to last, for each [first, last, stride]. */
  rangeIncl(ranges: readonly [number, number, number][]): Group {
    return this.incl(rangeRanks("group.rangeIncl", ranges));
  }

  /** MPI_Group_range_excl: every rank but those of the [first, last, stride] ranges, in group order. */
  rangeExcl(ranges: readonly [number, number, number][]): Group {
    return this.excl(rangeRanks("group.rangeExcl", ranges));
  }

  /** MPI_Group_union: this group's members, then the other's that are not in it. */
  union(other: Group): Group {
    const mine = new Set(this.#members);
    return this.#with([...this.#members, ...other.#members.filter((w) => !mine.has(w))], other);
  }

  /** MPI_Group_intersection: this group's members that are also in the other, in this group's order. */
  intersection(other: Group): Group {
    const theirs = new Set(other.#members);
    return this.#with(
      this.#members.filter((w) => theirs.has(w)),
      other,
    );
  }

  /** MPI_Group_difference: this group's members that are not in the other, in this group's order. */
  difference(other: Group): Group {
    const theirs = new Set(other.#members);
    return this.#with(
      this.#members.filter((w) => !theirs.has(w)),
      other,
    );
  }

  /** MPI_Group_translate_ranks: the rank in `other` of each listed rank of this group (UNDEFINED if absent). */
  translateRanks(ranks: readonly number[], other: Group): number[] {
    return ranks.map((r) => {
      if (r === PROC_NULL) return PROC_NULL;
      if (!Number.isInteger(r) || r < 0 || r >= this.size) {
        throw mpiError(ErrorCode.ERR_RANK, "group.translateRanks", "rank out of range", {
          measured: r,
          expected: `0..${this.size - 1}`,
        });
      }
      const i = other.#members.indexOf(this.#members[r]);
      return i < 0 ? UNDEFINED : i;
    });
  }

  /** MPI_Group_compare: IDENT (same members, same order), SIMILAR (same members), or UNEQUAL. */
  compare(other: Group): number {
    return compareMembers(this.#members, other.#members, IDENT);
  }

  static union(a: Group, b: Group): Group {
    return a.union(b);
  }
  static intersection(a: Group, b: Group): Group {
    return a.intersection(b);
  }
  static difference(a: Group, b: Group): Group {
    return a.difference(b);
  }
  static translateRanks(a: Group, ranks: readonly number[], b: Group): number[] {
    return a.translateRanks(ranks, b);
  }
  static compare(a: Group, b: Group): number {
    return a.compare(b);
  }

  #with(members: number[], other?: Group): Group {
    return new Group(members, this.#me >= 0 ? this.#me : other ? other.#me : -1);
  }

  #checkRanks(op: string, ranks: readonly number[]): void {
    const seen = new Set<number>();
    for (const r of ranks) {
      if (!Number.isInteger(r) || r < 0 || r >= this.size) {
        throw mpiError(ErrorCode.ERR_RANK, op, "rank out of range", { measured: r, expected: `0..${this.size - 1}` });
      }
      if (seen.has(r))
        throw mpiError(ErrorCode.ERR_RANK, op, "rank listed twice", { measured: r, hint: "List each rank once" });
      seen.add(r);
    }
  }
}

/** The ranks of [first, last, stride] ranges (MPI_Group_range_incl/excl). */
function rangeRanks(op: string, ranges: readonly [number, number, number][]): number[] {
  const ranks: number[] = [];
  for (const [first, last, stride] of ranges) {
    if (!stride) throw mpiError(ErrorCode.ERR_ARG, op, "stride must not be 0");
    for (let r = first; stride > 0 ? r <= last : r >= last; r += stride) ranks.push(r);
  }
  return ranks;
}

/** The group of `members` (world ranks) as seen by the process of world rank `me`. */
export function newGroup(members: readonly number[], me: number): Group {
  return make(members, me);
}

/** The world ranks of a group's members, in group order. */
export function groupMembers(group: Group): readonly number[] {
  return membersOf(group);
}

/** The world ranks of a group passed as an argument to `op` (ERR_GROUP when it is not a group). */
export function groupArgumentMembers(op: string, group: Group): readonly number[] {
  if (!(group instanceof Group))
    throw mpiError(ErrorCode.ERR_GROUP, op, "not a group", {
      measured: typeof group,
      expected: "comm.group or a group made from it",
    });
  return membersOf(group);
}

/** MPI_GROUP_EMPTY. */
export const GROUP_EMPTY = newGroup([], -1);
