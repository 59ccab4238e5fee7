// The base layer's errors (MPI-4 §9.4): every error a user can meet is an MpiError carrying its class
// (`code`), the MPI call that raised it (`call`, e.g. "recv"), the rank it was raised on, the peer rank the
// call was about when there is one, and whether the job ends on it (`fatal`); its message has the house form
// `<operation> on rank <r>: <what happened> (<measured> vs <expected>). <hint>`. A process failure in
// fault-tolerant mode is a ProcessFailedError listing the failed ranks. Imports nothing of the runtime.

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

/** Where an error was raised; every field the raiser does not give is filled from this process's state. */
export interface MpiErrorFields {
  /** The MPI call, e.g. "recv", "Datatype.vector"; by default the name at the head of the operation text. */
  call?: string;
  /** The rank that raised it (in COMM_WORLD); by default this process's rank, -1 before init(). */
  rank?: number;
  /** The other rank the call was about (destination, source, target, the failed rank), when there is one. */
  peer?: number;
  /** Whether the job ends on it; by default: true unless the job runs with ERRORS_RETURN / --fault-tolerant. */
  fatal?: boolean;
}

/** Codes that end the rank whatever the error handler: the runtime itself cannot go on. */
const ALWAYS_FATAL: ReadonlySet<ErrorCode> = new Set([ErrorCode.ERR_PROTOCOL]);

/** This process's state for the fields' defaults: set by init() and by fault tolerance. */
const here = { rank: -1, errorsReturn: false };

/** The rank of this process, for error messages and `MpiError.rank`; set by init(). */
export function setErrorRank(rank: number): void {
  here.rank = rank;
}

/** ERRORS_RETURN (or --fault-tolerant) is in force: errors raised from now on are not fatal to the job. */
export function setErrorsReturn(on: boolean): void {
  here.errorsReturn = on;
}

export class MpiError extends Error {
  readonly code: ErrorCode;
  /** The MPI call that raised it, e.g. "recv" ("" when the runtime raised it outside any call). */
  readonly call: string;
  /** The rank (in COMM_WORLD) that raised it; -1 before init(). */
  readonly rank: number;
  /** The rank the call was about (destination, source, target, the failed rank), or undefined. */
  readonly peer: number | undefined;
  /** True when the job ends on it (the error handler ERRORS_ARE_FATAL, the default, or a protocol error). */
  readonly fatal: boolean;

  constructor(code: ErrorCode, message: string, fields: MpiErrorFields = {}) {
    super(message);
    this.name = "MpiError";
    this.code = code;
    this.call = fields.call ?? "";
    this.rank = fields.rank ?? here.rank;
    this.peer = fields.peer;
    this.fatal = fields.fatal ?? (ALWAYS_FATAL.has(code) || !here.errorsReturn);
  }
}

/** ERR_PROC_FAILED (ULFM): an operation needed a rank that has died; `failedRanks` lists the dead ranks. */
export class ProcessFailedError extends MpiError {
  /** Ranks (in COMM_WORLD) known to have failed when this error was raised, ascending. */
  readonly failedRanks: number[];

  constructor(message: string, failedRanks: number[], fields: MpiErrorFields = {}) {
    super(ErrorCode.ERR_PROC_FAILED, message, fields);
    this.name = "ProcessFailedError";
    this.failedRanks = [...failedRanks].sort((a, b) => a - b);
  }
}

/** The MPI call named at the head of an operation text: "send(dest=9, tag=0)" → "send". */
export function callOf(op: string): string {
  return /^[A-Za-z_$][\w$.]*(?=\(|$)/.exec(op)?.[0] ?? "";
}

/** What the house-style message is made of, besides the code and the operation. */
export interface ErrorDetail {
  /** the value the call got, shown against `expected` */
  measured?: unknown;
  expected?: unknown;
  /** what the user can do about it */
  hint?: string;
  /** the other rank the call was about */
  peer?: number;
}

/** The house-style message: `<op> on rank <r>: <what> (<measured> vs expected <expected>). <hint>`. */
export function errorText(op: string, what: string, detail?: ErrorDetail, rank = here.rank): string {
  let text = `${op} on rank ${rank < 0 ? "?" : rank}: ${what}`;
  if (detail?.measured !== undefined || detail?.expected !== undefined) {
    text += ` (${String(detail?.measured)} vs expected ${String(detail?.expected)})`;
  }
  if (detail?.hint) text += `. ${detail.hint}`;
  return text;
}

/**
 * Builds an MpiError in the house style, its call and rank filled in.
 * @param op the operation, with its arguments, e.g. "send(dest=9, tag=0)"
 * @param what what happened, e.g. "destination rank out of range"
 * @param detail the numbers that disagree, a hint, the peer rank (all optional)
 */
export function mpiError(code: ErrorCode, op: string, what: string, detail?: ErrorDetail): MpiError {
  return new MpiError(code, errorText(op, what, detail), { call: callOf(op), peer: detail?.peer });
}

/** A ProcessFailedError in the house style: `op` needed `peer`, which died; `failedRanks` are all known dead. */
export function processFailedError(
  op: string,
  peer: number,
  failedRanks: number[],
  what: string,
  hint?: string,
): ProcessFailedError {
  return new ProcessFailedError(errorText(op, what, { hint }), failedRanks, { call: callOf(op), peer });
}
