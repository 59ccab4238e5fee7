// The constants of tsmpi's one-sided layer (MPI-4 chapter 12) as runtime/index.ts re-exports them: the lock
// types and the assertion flags, and the type of PSCW's groups. mpi.Win itself is runtime/mpi/win.ts. See
// docs/rma.md for the rules, progress at a passive target included.
export type { GroupLike } from "./groups.ts";
export { LOCK_EXCLUSIVE, LOCK_SHARED, MODE_NOCHECK, MODE_NOSTORE, MODE_NOPUT, MODE_NOPRECEDE, MODE_NOSUCCEED } from "./constants.ts";
