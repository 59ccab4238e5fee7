// MPI error classes (MPI-4 §9.4) as tsmpi's MpiError: every error a user can meet carries a code
// and a message of the form `<operation> on rank <r>: <what happened> (<measured> vs <expected>). <hint>`.

export const ErrorCode = {
  ERR_RANK: "ERR_RANK",
  ERR_TAG: "ERR_TAG",
  ERR_COUNT: "ERR_COUNT",
  ERR_TRUNCATE: "ERR_TRUNCATE",
  ERR_TYPE: "ERR_TYPE",
  ERR_ROOT: "ERR_ROOT",
  ERR_OP: "ERR_OP",
  ERR_ARG: "ERR_ARG",
  ERR_COMM: "ERR_COMM",
  ERR_GROUP: "ERR_GROUP",
  ERR_REQUEST: "ERR_REQUEST",
  ERR_BUFFER: "ERR_BUFFER",
  ERR_WIN: "ERR_WIN",
  ERR_RMA_SYNC: "ERR_RMA_SYNC",
  ERR_RMA_RANGE: "ERR_RMA_RANGE",
  ERR_PROC_FAILED: "ERR_PROC_FAILED",
  ERR_REVOKED: "ERR_REVOKED",
  ERR_PROTOCOL: "ERR_PROTOCOL",
  ERR_TIMEOUT: "ERR_TIMEOUT",
  ERR_DEADLOCK: "ERR_DEADLOCK",
  ERR_OTHER: "ERR_OTHER",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class MpiError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = "MpiError";
    this.code = code;
  }
}

/** The rank of this process for error messages; set by init(), "?" before it. */
let errorRank: number | string = "?";
export function setErrorRank(rank: number): void {
  errorRank = rank;
}

/**
 * Builds an MpiError in the house style.
 * @param op the operation, with its arguments, e.g. "send(dest=9, tag=0)"
 * @param what what happened, e.g. "destination rank out of range"
 * @param measured/expected the numbers that disagree (optional)
 * @param hint what the user can do about it
 */
export function mpiError(
  code: ErrorCode,
  op: string,
  what: string,
  detail?: { measured?: unknown; expected?: unknown; hint?: string },
): MpiError {
  let text = `${op} on rank ${errorRank}: ${what}`;
  if (detail?.measured !== undefined || detail?.expected !== undefined) {
    text += ` (${String(detail?.measured)} vs expected ${String(detail?.expected)})`;
  }
  if (detail?.hint) text += `. ${detail.hint}`;
  return new MpiError(code, text);
}
