// Comparing process groups (MPI-4 §7.3.1, §7.4.1): the results of MPI_Group_compare and MPI_Comm_compare,
// and the comparison of two member lists (world ranks) both use. The Group object is runtime/mpi/group.ts.

/** Results of compare (MPI_IDENT, MPI_CONGRUENT, MPI_SIMILAR, MPI_UNEQUAL). */
export const IDENT = 0;
export const CONGRUENT = 1;
export const SIMILAR = 2;
export const UNEQUAL = 3;

/** `same` when the lists are equal, SIMILAR when they hold the same members in another order, else UNEQUAL. */
export function compareMembers(a: readonly number[], b: readonly number[], same: number): number {
  if (a.length !== b.length) return UNEQUAL;
  if (a.every((w, i) => w === b[i])) return same;
  const set = new Set(a);
  return b.every((w) => set.has(w)) ? SIMILAR : UNEQUAL;
}
