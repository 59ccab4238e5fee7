// Comparing process groups (MPI-4 §7.3.1, §7.4.1): the comparison of two member lists (world ranks) that
// MPI_Group_compare and MPI_Comm_compare both use. The Group object is runtime/mpi/group.ts; the results
// IDENT, CONGRUENT, SIMILAR, UNEQUAL are in runtime/constants.ts.
import { SIMILAR, UNEQUAL } from "../constants.ts";

/** `same` when the lists are equal, SIMILAR when they hold the same members in another order, else UNEQUAL. */
export function compareMembers(a: readonly number[], b: readonly number[], same: number): number {
  if (a.length !== b.length) return UNEQUAL;
  if (a.every((w, i) => w === b[i])) return same;
  const set = new Set(a);
  return b.every((w) => set.has(w)) ? SIMILAR : UNEQUAL;
}
