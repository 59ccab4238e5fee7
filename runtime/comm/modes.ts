// The engine side of the rest of MPI's point-to-point (MPI-4 §3.6, §3.8.2, §3.10): buffered mode (the
// attached buffer of mpi.attachBuffer/detachBuffer and the sends that copy into it), the matched receive
// behind mprobe/improbe (the message is taken out of matching so only its Message can receive it), and
// sendrecvReplace (the send goes from a copy, as the receive overwrites the buffer). The methods users
// call (comm.bsend, comm.mprobe, …) are in runtime/mpi/comm.ts.
import { ErrorCode, mpiError } from "../errors.ts";
import { PROC_NULL } from "../constants.ts";
import { toPayload } from "./payload.ts";
import { blocking } from "../trace/activity.ts";
import { BufSpec, packBuf } from "../datatype/index.ts";
import type { CommCore } from "./communicator.ts";
import type { StatusFields } from "./arguments.ts";
import type { Matched } from "./engine.ts";

// ---- buffered mode ------------------------------------------------------------------------------

/** Overhead MPI_BSEND_OVERHEAD: bytes each buffered message takes in the attached buffer beyond its data. */
export const BSEND_OVERHEAD = 64;
let attached = 0;
let inUse = 0;
const pendingBuffered = new Set<Promise<void>>();

/** MPI_Buffer_attach: room for buffered sends (a size in bytes, or a buffer whose size counts). */
export function attachBuffer(sizeOrBuffer: number | ArrayBufferView): void {
  const size = typeof sizeOrBuffer === "number" ? sizeOrBuffer : sizeOrBuffer.byteLength;
  if (attached)
    throw mpiError(ErrorCode.ERR_BUFFER, "attachBuffer", "a buffer is already attached", {
      hint: "detachBuffer() first",
    });
  attached = size;
}

/** MPI_Buffer_detach: waits until every buffered message has left, then returns the buffer's size. */
export async function detachBuffer(): Promise<number> {
  await blocking(Promise.all(pendingBuffered), "detachBuffer()");
  const size = attached;
  attached = 0;
  return size;
}

/** A buffered send (MPI_Bsend): complete at once, the data copied into the attached buffer (ERR_BUFFER if no room). */
export function bufferedSend(comm: CommCore, data: unknown, dest: number, tag: number, name: string): void {
  const op = () => `${name}(dest=${dest}, tag=${tag})`;
  comm.checkDest(op, dest);
  comm.checkTag(op, tag, false);
  if (dest === PROC_NULL) return;
  const payload = toPayload(data, op());
  const bytes = new Uint8Array(payload.bytes); // the copy MPI makes into the attached buffer
  const need = bytes.byteLength + BSEND_OVERHEAD;
  if (inUse + need > attached) {
    throw mpiError(ErrorCode.ERR_BUFFER, op(), "not enough room in the attached buffer", {
      measured: `${need} bytes needed, ${attached - inUse} free`,
      expected: `at least ${need}`,
      hint: "mpi.attachBuffer(size) with size ≥ the sum of pending messages + BSEND_OVERHEAD each",
    });
  }
  inUse += need;
  const sending = comm.sendPayload({ ...payload, bytes }, dest, tag, comm.context).finally(() => {
    inUse -= need;
    pendingBuffered.delete(sending);
  });
  sending.catch(() => {});
  pendingBuffered.add(sending);
}

// ---- matched probes -----------------------------------------------------------------------------

/** Takes the message a probe just saw (its status) out of matching: only the returned promise receives it. */
export function takeMatched(comm: CommCore, probed: StatusFields): Promise<Matched> {
  const source = comm.worldRank(probed.source);
  return new Promise<Matched>((deliver, fail) => {
    comm.world.engine.takeUnexpected(source, probed.tag, comm.context, {
      source,
      tag: probed.tag,
      context: comm.context,
      deliver,
      fail,
    });
  });
}

// ---- sendrecvReplace ----------------------------------------------------------------------------

/** MPI_Sendrecv_replace: sends the spec's data (from a copy) and receives into the same spec. */
export async function sendrecvReplace(
  comm: CommCore,
  spec: BufSpec,
  dest: number,
  sendtag: number,
  source: number,
  recvtag: number,
  status: StatusFields,
): Promise<void> {
  const op = () => `sendrecvReplace(dest=${dest}, sendtag=${sendtag}, source=${source}, recvtag=${recvtag})`;
  comm.checkDest(op, dest);
  comm.checkTag(op, sendtag, false);
  const payload = toPayload(spec, op());
  const copy = { ...payload, bytes: new Uint8Array(packBuf(spec)) }; // the buffer is overwritten by the receive
  const sending = dest === PROC_NULL ? Promise.resolve() : comm.sendPayload(copy, dest, sendtag, comm.context);
  await comm.receive(source, recvtag, status, spec, "recvInto");
  await sending;
}
