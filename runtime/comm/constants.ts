// MPI's predefined constants for point-to-point (MPI-4 §3 and appendix A), with mpi4py's names.

export const ANY_SOURCE = -1;
export const ANY_TAG = -1;
export const PROC_NULL = -2;
export const ROOT = -3;
export { UNDEFINED } from "../datatype/signature.ts";
/** Largest tag a user may use (MPI guarantees at least 32767). */
export const TAG_UB = 2 ** 30 - 1;

/** Messages above this many bytes use the rendezvous protocol (env TSMPI_EAGER_LIMIT overrides). */
export const EAGER_LIMIT = Number(process.env.TSMPI_EAGER_LIMIT ?? 64 * 1024);
/** Bytes of eager messages a sender may have unmatched at one receiver before it is slowed. */
export const CREDIT_WINDOW = Number(process.env.TSMPI_CREDIT_WINDOW ?? 8 * 1024 * 1024);
/** Each envelope costs this much credit on top of its eager payload, so empty messages are bounded too. */
export const ENVELOPE_COST = 64;
