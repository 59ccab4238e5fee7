// What travels in a message: a value (value mode, mpi4py's lowercase API) or the packed bytes of a
// buffer spec (buffer mode, mpi4py's uppercase API), and how a matched message becomes a value or
// lands in a receive buffer. Buffer-mode messages carry their type signature so a receive with another
// element type fails with ERR_TYPE (MPI-4 §3.3.1, type matching), while a vector column may be received
// as a contiguous array (same signature). A value-mode TypedArray counts as its element type.
import { Encoding } from "../protocol.ts";
import { encodeValue, decodeValue, isTypedEncoding, typedCtorOf, typedArrayOver } from "../wire/value.ts";
import { ErrorCode, mpiError } from "../errors.ts";
import { recycleReceived } from "../wire/pool.ts";
import {
  BufSpec,
  packBuf,
  unpackBuf,
  wireSignature,
  checkSignatureMatch,
  basicByCode,
  codeOfArray,
  homogeneousBase,
} from "../datatype/index.ts";
import type { Matched } from "./engine.ts";

export interface Payload {
  enc: number;
  sig: number;
  bytes: Uint8Array;
}

/** Buffer-mode message whose elements are of several basic types: `sig` holds the signature hash. */
export const MIXED_BYTES = Encoding.BYTES_MIXED;

/**
 * Throws ERR_ARG unless `spec` is an mpi.buf spec: a receive into something else (a bare TypedArray) would
 * otherwise fail deep inside once the message arrives.
 */
export function checkRecvSpec(spec: unknown, op: string): asserts spec is BufSpec {
  if (spec instanceof BufSpec) return;
  const bare = ArrayBuffer.isView(spec);
  throw mpiError(ErrorCode.ERR_ARG, op, "the receive buffer is not a buffer spec", {
    measured: spec === null ? "null" : bare ? (spec as object).constructor.name : typeof spec,
    expected: "mpi.buf(array, …)",
    hint: bare
      ? "Wrap the array: recvInto(mpi.buf(array), source, tag); or receive a value with recv(source, tag)"
      : "recvInto takes mpi.buf(typedArray); to receive a value, use recv(source, tag)",
  });
}

/** Encodes what the user passed to a send: a BufSpec (buffer mode) or any value. */
export function toPayload(data: unknown, op: string): Payload {
  if (
    data instanceof Promise ||
    (typeof data === "object" && data !== null && typeof (data as { then?: unknown }).then === "function")
  ) {
    throw mpiError(
      ErrorCode.ERR_ARG,
      op,
      "the value to send is a Promise (it would arrive as an empty object): did you forget await?",
      {
        measured: "a Promise",
        expected: "the value itself",
        hint: "write `await` before the call that produced it, e.g. comm.send(await comm.recv(0), 1)",
      },
    );
  }
  if (data instanceof BufSpec) {
    const sig = wireSignature(data.type, data.count);
    const bytes = packBuf(data);
    return sig >= 0 ? { enc: Encoding.BYTES, sig, bytes } : { enc: MIXED_BYTES, sig: -1 - sig, bytes };
  }
  const { enc, bytes } = encodeValue(data, op);
  return { enc, sig: 0, bytes };
}

/** The wire signature of a matched message (datatype's wireSignature convention), or null for msgpack. */
function sendSignature(m: Pick<Matched, "enc" | "sig">): number | null {
  if (m.enc === Encoding.BYTES) return m.sig;
  if (m.enc === MIXED_BYTES) return -1 - m.sig;
  if (isTypedEncoding(m.enc)) return codeOfArray(new (typedCtorOf(m.enc))(0)) ?? null;
  return null;
}

/** A matched message as a value: decoded msgpack, or a TypedArray of the message's element type. */
export function fromPayload(m: Matched): unknown {
  if (m.enc !== Encoding.BYTES && m.enc !== MIXED_BYTES) return decodeValue(m.enc, m.payload, m.owned);
  const Ctor = m.enc === Encoding.BYTES ? (basicByCode(m.sig).arrayType ?? Uint8Array) : Uint8Array;
  return typedArrayOver(Ctor, m.payload, Boolean(m.owned));
}

/**
 * Lands a matched message in a receive buffer (MPI receive into a buffer): type check, then unpack. The
 * bytes are copied into the user's buffer, so a payload the frame decoder lent goes back to its pool.
 */
export function intoSpec(m: Matched, spec: BufSpec, op: string): void {
  const sig = sendSignature(m);
  if (sig === null) {
    throw mpiError(ErrorCode.ERR_TYPE, op, "a value-mode message (an object) cannot be received into a buffer", {
      hint: "receive it with recv(), or send a TypedArray / mpi.buf(...)",
    });
  }
  checkSignatureMatch(sig, spec, op, m.payload.byteLength);
  unpackBuf(m.payload, spec, op);
  if (m.owned) recycleReceived(m.payload);
}

export { homogeneousBase };
