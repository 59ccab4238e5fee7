// The argument rules of MPI's point-to-point calls (MPI-4 §3.2.3, §3.11), for the engine side of a
// communicator (communicator.ts) and the send modes (modes.ts): ranks are the communicator's own, PROC_NULL
// is a no-op, ANY_SOURCE/ANY_TAG match anything, a bad rank or tag is ERR_RANK/ERR_TAG naming the call and
// what was expected; and how a receive call and the status of a receive from PROC_NULL look.
import { ErrorCode, mpiError } from "../errors.ts";
import { ANY_SOURCE, ANY_TAG, PROC_NULL, TAG_UB } from "../constants.ts";

/** The fields of an mpi.Status the engine fills (the facade's Status has them all). */
export interface StatusFields {
  source: number;
  tag: number;
  count: number;
}

/** What the rank checks say of the communicator: its size and name. */
interface Ranks {
  readonly size: number;
  readonly name: string;
}

const ranksOf = (comm: Ranks) => `${comm.name} has ${comm.size} rank${comm.size > 1 ? "s" : ""}`;

/** A destination: a rank of `comm` or PROC_NULL (ERR_RANK otherwise). */
export function checkDestRank(comm: Ranks, op: () => string, dest: number): void {
  if (dest === PROC_NULL || (Number.isInteger(dest) && dest >= 0 && dest < comm.size)) return;
  throw mpiError(ErrorCode.ERR_RANK, op(), "destination rank out of range", {
    measured: dest,
    peer: dest,
    expected: `0..${comm.size - 1} or PROC_NULL`,
    hint: `${ranksOf(comm)}; check the rank arithmetic (e.g. (rank + 1) % size)`,
  });
}

/** A source: a rank of `comm`, ANY_SOURCE or PROC_NULL (ERR_RANK otherwise). */
export function checkSourceRank(comm: Ranks, op: () => string, source: number): void {
  if (source === ANY_SOURCE || source === PROC_NULL) return;
  if (Number.isInteger(source) && source >= 0 && source < comm.size) return;
  throw mpiError(ErrorCode.ERR_RANK, op(), "source rank out of range", {
    measured: source,
    peer: source,
    expected: `0..${comm.size - 1}, ANY_SOURCE or PROC_NULL`,
    hint: ranksOf(comm),
  });
}

/** A tag: 0..TAG_UB, or ANY_TAG where a receive allows it (ERR_TAG otherwise). */
export function checkTagValue(op: () => string, tag: number, allowAny: boolean): void {
  if (allowAny && tag === ANY_TAG) return;
  if (Number.isInteger(tag) && tag >= 0 && tag <= TAG_UB) return;
  throw mpiError(ErrorCode.ERR_TAG, op(), "invalid tag", {
    measured: tag,
    expected: `an integer in 0..TAG_UB (${TAG_UB})${allowAny ? " or ANY_TAG" : ""}`,
    hint: "tags are non-negative integers; ANY_TAG is only for receives",
  });
}

/** A receive call as error texts and diagnostics name it, e.g. "recv(source=ANY_SOURCE, tag=3)". */
export function describeRecv(name: string, source: number, tag: number): string {
  return `${name}(source=${source === ANY_SOURCE ? "ANY_SOURCE" : source}, tag=${tag === ANY_TAG ? "ANY_TAG" : tag})`;
}

/** The status of a receive from PROC_NULL (MPI-4 §3.11). */
export function fillNull(status: StatusFields): void {
  status.source = PROC_NULL;
  status.tag = ANY_TAG;
  status.count = 0;
}
