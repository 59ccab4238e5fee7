// The groups of PSCW synchronisation (MPI-4 §12.5.2, MPI_Win_post/MPI_Win_start take a group): tsmpi
// accepts a list of ranks of the window's communicator, or an mpi.Group (or any object listing world
// ranks as `members` or `worldRanks()`), whose world ranks are translated to the window's ranks.
import { mpiError } from "../errors.ts";
import type { CommCore } from "../comm/communicator.ts";

/** A group as PSCW calls accept it. */
export type GroupLike = ArrayLike<number> | { members: ArrayLike<number> } | { worldRanks(): ArrayLike<number> };

function worldRanksOf(group: unknown): ArrayLike<number> | null {
  const g = group as { members?: unknown; worldRanks?: unknown };
  if (g && typeof g.worldRanks === "function") return (g.worldRanks as () => ArrayLike<number>)();
  if (g && g.members && typeof (g.members as ArrayLike<number>).length === "number")
    return g.members as ArrayLike<number>;
  return null;
}

/** The window communicator's ranks of a group (sorted, no duplicates); ERR_ARG / ERR_RANK / ERR_GROUP otherwise. */
export function groupRanks(group: unknown, comm: CommCore, op: string): number[] {
  let ranks: number[];
  if (Array.isArray(group) || ArrayBuffer.isView(group)) {
    ranks = Array.from(group as ArrayLike<number>);
    for (const r of ranks) {
      if (!Number.isInteger(r) || r < 0 || r >= comm.size) {
        throw mpiError("ERR_RANK", op, "a rank of the group is out of range", {
          measured: r,
          expected: `0..${comm.size - 1}`,
          hint: `ranks are those of the window's communicator ${comm.name}`,
        });
      }
    }
  } else {
    const world = worldRanksOf(group);
    if (!world) {
      throw mpiError("ERR_ARG", op, "the group must be a list of ranks or an mpi.Group", {
        measured: group === null ? "null" : typeof group,
        expected: "number[] or mpi.Group",
      });
    }
    ranks = Array.from(world, (w) => {
      const local = comm.localRank(w);
      if (local < 0)
        throw mpiError(
          "ERR_GROUP",
          op,
          `world rank ${w} of the group is not a member of the window's communicator ${comm.name}`,
        );
      return local;
    });
  }
  const unique = [...new Set(ranks)].sort((a, b) => a - b);
  if (unique.length !== ranks.length)
    throw mpiError("ERR_GROUP", op, "a rank appears twice in the group", {
      measured: `[${ranks.join(", ")}]`,
      expected: "distinct ranks",
    });
  return unique;
}
