// The one-sided layer of tsmpi (MPI-4 chapter 12), as runtime/index.ts re-exports it: mpi.Win (the lock
// types and assertion flags are in runtime/constants.ts). See docs/rma.md for the rules, progress at a passive target included.
export { Win } from "./window.ts";
export type { GroupLike } from "./groups.ts";
