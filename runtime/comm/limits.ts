// The point-to-point engine's tunables: where rendezvous starts and how much eager data a sender may have
// unmatched at a receiver. (MPI's constants a program uses are in runtime/constants.ts.)

/** Messages above this many bytes use the rendezvous protocol (env TSMPI_EAGER_LIMIT overrides). */
export const EAGER_LIMIT = Number(process.env.TSMPI_EAGER_LIMIT ?? 64 * 1024);
/** Bytes of eager messages a sender may have unmatched at one receiver before it is slowed. */
export const CREDIT_WINDOW = Number(process.env.TSMPI_CREDIT_WINDOW ?? 8 * 1024 * 1024);
/** Each envelope costs this much credit on top of its eager payload, so empty messages are bounded too. */
export const ENVELOPE_COST = 64;
