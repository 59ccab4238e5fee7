// MPI's predefined constants a program uses (MPI-4 appendix A), with mpi4py's names, in one place: wildcards
// and special ranks of point-to-point, the largest tag, the results of compare, the lock types and assertion
// flags of one-sided epochs, and the error handlers. Part of the base layer: imports nothing of the runtime.
// Numbers only the runtime uses (frame kinds, channels, context ids) are in protocol.ts, tunables in their layer.

/** MPI_ANY_SOURCE: a receive or probe matching a message from any rank. */
export const ANY_SOURCE = -1;
/** MPI_ANY_TAG: a receive or probe matching any tag. */
export const ANY_TAG = -1;
/** MPI_PROC_NULL: a rank every operation completes with at once, sending or receiving nothing. */
export const PROC_NULL = -2;
/** MPI_ROOT (intercommunicator collectives' root side). */
export const ROOT = -3;
/** MPI_UNDEFINED: split's colour for "no new communicator"; getCount/getElements of a partial item; waitany on nothing. */
export const UNDEFINED = -32766;
/** Largest tag a user may use (MPI guarantees at least 32767). */
export const TAG_UB = 2 ** 30 - 1;

/** Results of compare (MPI_IDENT, MPI_CONGRUENT, MPI_SIMILAR, MPI_UNEQUAL). */
export const IDENT = 0;
export const CONGRUENT = 1;
export const SIMILAR = 2;
export const UNEQUAL = 3;

/** MPI_LOCK_EXCLUSIVE: one origin at a time in a passive-target epoch on the target. */
export const LOCK_EXCLUSIVE = 234;
/** MPI_LOCK_SHARED: any number of origins at once (accumulates stay atomic per element). */
export const LOCK_SHARED = 235;

/** MPI_MODE_NOCHECK: the matching post/lock is known to have happened (lock, start, post). */
export const MODE_NOCHECK = 1024;
/** MPI_MODE_NOSTORE: the window was not updated by local stores since the last synchronisation. */
export const MODE_NOSTORE = 2048;
/** MPI_MODE_NOPUT: the window will not be updated by put or accumulate until the next synchronisation. */
export const MODE_NOPUT = 4096;
/** MPI_MODE_NOPRECEDE: the fence completes no operations of this rank (it opens the first epoch). */
export const MODE_NOPRECEDE = 8192;
/** MPI_MODE_NOSUCCEED: no operations follow this fence (it closes the fence epochs: locks may follow). */
export const MODE_NOSUCCEED = 16384;

/** MPI_ERRORS_ARE_FATAL, the default error handler: an error, or a rank's death, ends the job. */
export const ERRORS_ARE_FATAL = "ERRORS_ARE_FATAL";
/** MPI_ERRORS_RETURN: errors are thrown to the caller and a dead rank no longer ends the job (fault tolerance). */
export const ERRORS_RETURN = "ERRORS_RETURN";
export type Errhandler = typeof ERRORS_ARE_FATAL | typeof ERRORS_RETURN;
