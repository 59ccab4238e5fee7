// MPI groups (MPI-4 §7.3): an ordered set of processes, named here by world rank. Local operations only:
// size, rank, incl/excl, union/intersection/difference, translateRanks and compare, with MPI's rules
// (union keeps the first group's order then adds the second's new members; intersection and difference
// keep the first group's order). Communicators are built from groups by comm.create / createGroup.
import { ErrorCode, mpiError } from "../errors.ts";
import { PROC_NULL, UNDEFINED, IDENT, SIMILAR, UNEQUAL } from "../constants.ts";


export class Group {
  /** World rank of each member, by rank in the group. */
  readonly members: readonly number[];
  /** World rank of this process (-1 when unknown, as in GROUP_EMPTY). */
  private readonly me: number;

  constructor(members: readonly number[], myWorldRank: number) {
    this.members = [...members];
    this.me = myWorldRank;
  }

  get size(): number {
    return this.members.length;
  }

  /** This process's rank in the group, or UNDEFINED if it is not a member. */
  get rank(): number {
    const i = this.members.indexOf(this.me);
    return i < 0 ? UNDEFINED : i;
  }

  private with(members: number[], other?: Group): Group {
    return new Group(members, this.me >= 0 ? this.me : (other?.me ?? -1));
  }

  private checkRanks(op: string, ranks: readonly number[]): void {
    const seen = new Set<number>();
    for (const r of ranks) {
      if (!Number.isInteger(r) || r < 0 || r >= this.size) {
        throw mpiError(ErrorCode.ERR_RANK, op, "rank out of range", { measured: r, expected: `0..${this.size - 1}` });
      }
      if (seen.has(r)) throw mpiError(ErrorCode.ERR_RANK, op, "rank listed twice", { measured: r, hint: "List each rank once" });
      seen.add(r);
    }
  }

  /** MPI_Group_incl: the listed ranks, in the order listed. */
  incl(ranks: readonly number[]): Group {
    this.checkRanks(`group.incl([${ranks.join(", ")}])`, ranks);
    return this.with(ranks.map((r) => this.members[r]));
  }

  /** MPI_Group_excl: every rank but the listed ones, in group order. */
  excl(ranks: readonly number[]): Group {
    this.checkRanks(`group.excl([${ranks.join(", ")}])`, ranks);
    const out = new Set(ranks);
    return this.with(this.members.filter((_, i) => !out.has(i)));
  }

  /** MPI_Group_range_incl: ranks first, first+stride, … up to last, for each [first, last, stride]. */
  rangeIncl(ranges: readonly [number, number, number][]): Group {
    const ranks: number[] = [];
    for (const [first, last, stride] of ranges) {
      if (!stride) throw mpiError(ErrorCode.ERR_ARG, "group.rangeIncl", "stride must not be 0");
      for (let r = first; stride > 0 ? r <= last : r >= last; r += stride) ranks.push(r);
    }
    return this.incl(ranks);
  }

  /** MPI_Group_range_excl: every rank but those of the [first, last, stride] ranges, in group order. */
  rangeExcl(ranges: readonly [number, number, number][]): Group {
    const ranks: number[] = [];
    for (const [first, last, stride] of ranges) {
      if (!stride) throw mpiError(ErrorCode.ERR_ARG, "group.rangeExcl", "stride must not be 0");
      for (let r = first; stride > 0 ? r <= last : r >= last; r += stride) ranks.push(r);
    }
    return this.excl(ranks);
  }

  union(other: Group): Group {
    const mine = new Set(this.members);
    return this.with([...this.members, ...other.members.filter((w) => !mine.has(w))], other);
  }

  intersection(other: Group): Group {
    const theirs = new Set(other.members);
    return this.with(this.members.filter((w) => theirs.has(w)), other);
  }

  difference(other: Group): Group {
    const theirs = new Set(other.members);
    return this.with(this.members.filter((w) => !theirs.has(w)), other);
  }

  /** MPI_Group_translate_ranks: the rank in `other` of each listed rank of this group (UNDEFINED if absent). */
  translateRanks(ranks: readonly number[], other: Group): number[] {
    return ranks.map((r) => {
      if (r === PROC_NULL) return PROC_NULL;
      if (!Number.isInteger(r) || r < 0 || r >= this.size) {
        throw mpiError(ErrorCode.ERR_RANK, "group.translateRanks", "rank out of range", { measured: r, expected: `0..${this.size - 1}` });
      }
      const i = other.members.indexOf(this.members[r]);
      return i < 0 ? UNDEFINED : i;
    });
  }

  /** MPI_Group_compare: IDENT (same members, same order), SIMILAR (same members), or UNEQUAL. */
  compare(other: Group): number {
    return compareMembers(this.members, other.members, IDENT);
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
}

/** `same` when the lists are equal, SIMILAR when they hold the same members in another order, else UNEQUAL. */
export function compareMembers(a: readonly number[], b: readonly number[], same: number): number {
  if (a.length !== b.length) return UNEQUAL;
  if (a.every((w, i) => w === b[i])) return same;
  const set = new Set(a);
  return b.every((w) => set.has(w)) ? SIMILAR : UNEQUAL;
}

/** MPI_GROUP_EMPTY. */
export const GROUP_EMPTY = new Group([], -1);
