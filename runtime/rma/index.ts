// The one-sided layer of tsmpi (MPI-4 chapter 12), as runtime/index.ts re-exports it: mpi.Win, the lock
// types and the assertion flags. See docs/rma.md for the rules, progress at a passive target included.
export { Win } from "./window.ts";
export type { GroupLike } from "./groups.ts";
export { LOCK_EXCLUSIVE, LOCK_SHARED, MODE_NOCHECK, MODE_NOSTORE, MODE_NOPUT, MODE_NOPRECEDE, MODE_NOSUCCEED } from "./constants.ts";
