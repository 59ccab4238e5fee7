// The one-sided layer of tsmpi (MPI-4 chapter 12) as runtime/index.ts re-exports it: the type of PSCW's
// groups. mpi.Win itself is runtime/mpi/win.ts; the lock types and assertion flags are in
// runtime/constants.ts. See docs/rma.md for the rules, progress at a passive target included.
export type { GroupLike } from "./groups.ts";
