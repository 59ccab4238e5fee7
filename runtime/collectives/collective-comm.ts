// How one collective call runs on a communicator (MPI-4 chapter 6), for the methods of Intracomm
// (runtime/mpi/intracomm.ts): each call takes the communicator's next collective sequence number, with a
// few bits naming the kind of call, as its tag (call.ts), so calls that ranks issue in different orders
// do not exchange data; every call goes through trace/collective.ts's hook (mismatch checks, trace), and
// blocking calls are recorded with trace/activity.ts's blocking(), so a timeout or deadlock report says
// e.g. "bcast(root=0) on COMM_WORLD". The algorithms are chosen by select.ts inside each collective file.
import { ErrorCode, mpiError } from "../errors.ts";
import type { CommCore } from "../comm/communicator.ts";
import { blocking } from "../trace/activity.ts";
import { collective } from "../trace/collective.ts";
import { homogeneousBase, basicByCode, BufSpec } from "../datatype/index.ts";
import { CollCall } from "./call.ts";
import { isInPlace, type SendSpec } from "./checks.ts";

/** 5 bits naming the kind of call ("bcast", "ireduceInto", …: the text before "("). */
function kindBits(op: string): number {
  let h = 0;
  for (let i = 0; i < op.length && op.charCodeAt(i) !== 40; i++) h = (h * 31 + op.charCodeAt(i)) | 0;
  return h & 31;
}

/** Starts one collective call: checks the communicator and takes the next sequence number as tag. */
function call(comm: CommCore, op: string): CollCall {
  comm.checkNotFinalized(() => op);
  if (comm.freed)
    throw mpiError(ErrorCode.ERR_COMM, op, `${comm.name} was freed`, {
      hint: "Use a communicator only before its free()",
    });
  comm.checkNotRevoked(() => op);
  const tag = comm.fixedCollTag ?? (comm.collSeq << 5) | kindBits(op);
  comm.collSeq = (comm.collSeq + 1) & 0x1ffffff;
  return new CollCall(comm, tag, op);
}

/**
 * A blocking collective: reported to the diagnostics hook as `checked` (what every rank must call alike;
 * split's colour and key differ by rank) and recorded as what this rank is blocked in.
 */
export function runCollective<T>(
  comm: CommCore,
  op: string,
  body: (c: CollCall) => Promise<T>,
  checked = op,
): Promise<T> {
  try {
    const c = call(comm, op);
    c.blocking = true; // shared-memory collectives need every rank inside the call at once
    // the temporary communicator of createGroup shares its parent's context: not a call on the parent
    const running = comm.fixedCollTag === null ? collective(comm, checked, () => body(c)) : body(c);
    return blocking(running, op, comm.name, comm.members);
  } catch (err) {
    return Promise.reject(err);
  }
}

/** A nonblocking collective: starts now (taking its sequence number); the promise settles when it completes. */
export function startCollective(
  comm: CommCore,
  op: string,
  body: (c: CollCall) => Promise<unknown>,
): () => Promise<unknown> {
  const c = call(comm, op);
  return () => collective(comm, op, () => body(c));
}

/** A buffer-mode type signature as the mismatch check compares it: "FLOAT64×1000" (or "mixed×…"). */
export function typeSignature(spec: SendSpec | undefined | null, fallback?: BufSpec): string {
  const s = spec && !isInPlace(spec) ? spec : fallback;
  if (!(s instanceof BufSpec)) return "none"; // not a spec: the collective itself reports ERR_ARG
  const base = homogeneousBase(s.type);
  return `${base >= 0 ? basicByCode(base).name : "mixed"}×${s.count * s.type.elementCount}`;
}
