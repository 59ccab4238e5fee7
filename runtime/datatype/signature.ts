// Type signatures and their matching (MPI-4 §3.3.1 "type matching rules", §5.1.11): a receive may use a
// different type from the send as long as the sequence of basic elements is the same (a vector column
// received as contiguous FLOAT64 is fine; INT32 received as FLOAT32 is ERR_TYPE). As MPI allows, a
// message may fill only a prefix of the receive signature. tsmpi also lets BYTE match anything.
// Also MPI_Get_count / MPI_Get_elements on a received byte count.
//
// What the point-to-point engine puts on the wire for a buffer-mode message: one integer,
// `wireSignature(spec.type, spec.count)`:
//   >= 0  the wire code of the single basic type every element has (INT32 → 6, FLOAT64 → 11, …);
//   <  0  -1 - signatureHash(type, count) for a type mixing basic types (a struct, FLOAT64_INT).
// A value-mode TypedArray has the signature datatypeOfArray(array).code. The receiver calls
// checkSignatureMatch(wireSig, recvSpec, op, messageBytes) before unpackBuf.
import { mpiError } from "../errors.ts";
import { UNDEFINED } from "../constants.ts";
import { elementBytes, TypeCode } from "./basic.ts";
import { BufSpec, specCapacityBytes } from "./bufspec.ts";
import { Datatype } from "./datatype.ts";
import { basicByCode } from "./predefined.ts";
import { appendRepeatedSig, type SigRun } from "./typemap.ts";

/** The run-length type signature of `count` items of `type` (basic codes with repeat counts). */
export function signatureOf(type: Datatype, count = 1): SigRun[] {
  const out: SigRun[] = [];
  appendRepeatedSig(out, type.sig, count);
  return out;
}

/** The code of the single basic type all elements of `type` have, or -1 (mixed types, or no elements). */
export function homogeneousBase(type: Datatype): number {
  return type.sig.length === 1 ? type.sig[0].code : -1;
}

// --- signature hashes: a polynomial hash of the element code sequence, mod a prime below 2^26 so that
// products stay exact in doubles. Defined on elements (not runs), so any run split hashes alike, and
// computed per run in O(log n), so a run of a million FLOAT64 costs no more than one.
const P = 67108859;
const B = 1000003;

function mul(a: number, b: number): number {
  return (a * b) % P;
}

/** [q^n, 1 + q + … + q^(n-1)] mod P. */
function powAndSum(q: number, n: number): [number, number] {
  let pow = 1;
  let sum = 0;
  let blockPow = q;
  let blockSum = 1; // for a block of 2^k elements: q^(2^k), S(2^k)
  while (n > 0) {
    if (n % 2 === 1) {
      sum = (sum + mul(pow, blockSum)) % P;
      pow = mul(pow, blockPow);
    }
    blockSum = mul(blockSum, 1 + blockPow);
    blockPow = mul(blockPow, blockPow);
    n = Math.floor(n / 2);
  }
  return [pow, sum];
}

interface Hashed {
  hash: number;
  /** B^elements */
  scale: number;
}

/** Appends a run of n elements of one code to a hash. */
function appendRun(h: Hashed, code: number, n: number): Hashed {
  const [pow, sum] = powAndSum(B, n);
  return { hash: (mul(h.hash, pow) + mul(code, sum)) % P, scale: mul(h.scale, pow) };
}

const itemHashes = new WeakMap<Datatype, Hashed>();

function itemHash(type: Datatype): Hashed {
  let h = itemHashes.get(type);
  if (!h) {
    h = { hash: 0, scale: 1 };
    for (const r of type.sig) h = appendRun(h, r.code, r.n);
    itemHashes.set(type, h);
  }
  return h;
}

function repeatedHash(type: Datatype, count: number): Hashed {
  const item = itemHash(type);
  const [pow, sum] = powAndSum(item.scale, count);
  return { hash: mul(item.hash, sum), scale: pow };
}

/** A 32-bit hash of the type signature of `count` items (equal signatures hash equal). */
export function signatureHash(type: Datatype, count = 1): number {
  return repeatedHash(type, count).hash >>> 0;
}

/** Hash of the first `bytes` bytes of the signature of repeated items, or null if they end inside an element. */
export function signaturePrefixHash(type: Datatype, bytes: number): number | null {
  if (type.size === 0) return bytes === 0 ? 0 : null;
  const items = Math.floor(bytes / type.size);
  let rest = bytes - items * type.size;
  let h = repeatedHash(type, items);
  for (const r of type.sig) {
    if (rest === 0) break;
    const per = elementBytes(r.code);
    const take = Math.min(r.n, Math.floor(rest / per));
    h = appendRun(h, r.code, take);
    rest -= take * per;
    if (take < r.n) break;
  }
  return rest === 0 ? h.hash >>> 0 : null;
}

/** The one integer that describes a buffer-mode message's signature on the wire (see the header). */
export function wireSignature(type: Datatype, count = 1): number {
  const base = homogeneousBase(type);
  if (base >= 0) return base;
  if (type.elementCount === 0 || count === 0) return TypeCode.BYTE;
  return -1 - signatureHash(type, count);
}

function signatureText(wireSig: number): string {
  return wireSig >= 0 ? basicByCode(wireSig).name : "a mixed-type signature";
}

/**
 * Throws ERR_TYPE unless a message with wire signature `sendSig` (wireSignature, or a basic type code)
 * may be received into `recvSpec`. `bytes` is the message length (default: the receive capacity); it is
 * needed when either side mixes basic types. A message longer than the spec → ERR_TRUNCATE.
 */
export function checkSignatureMatch(sendSig: number, recvSpec: BufSpec, op: string, bytes?: number): void {
  const recvType = recvSpec.type;
  const recvBase = homogeneousBase(recvType);
  if (sendSig === TypeCode.BYTE || recvBase === TypeCode.BYTE) return;
  const room = specCapacityBytes(recvSpec);
  const n = bytes ?? room;
  if (n === 0) return;
  let match: boolean;
  if (sendSig >= 0 && recvBase >= 0) {
    match = sendSig === recvBase;
  } else {
    if (n > room) {
      throw mpiError("ERR_TRUNCATE", op, "message truncated", {
        measured: `${n} bytes`,
        expected: `at most ${room} bytes`,
        hint: "Post a receive buffer with room for the whole message (count × type size), or send less",
      });
    }
    const want = signaturePrefixHash(recvType, n);
    const per = sendSig >= 0 ? elementBytes(sendSig) : 0;
    let got: number | null = -1 - sendSig;
    if (sendSig >= 0)
      got = per > 0 && n % per === 0 ? appendRun({ hash: 0, scale: 1 }, sendSig, n / per).hash >>> 0 : null;
    match = want !== null && got !== null && want === got;
  }
  if (!match) {
    throw mpiError("ERR_TYPE", op, "type signature mismatch", {
      measured: `sent ${signatureText(sendSig)}`,
      expected: recvBase >= 0 ? basicByCode(recvBase).name : `the signature of ${recvType.name}`,
      hint: "The receive type's basic elements must be the sender's, in the same order (BYTE matches anything)",
    });
  }
}

/** MPI_Get_count: whole items of `type` in `bytes`, or UNDEFINED. */
export function getCount(bytes: number, type: Datatype): number {
  if (type.size === 0) return 0;
  return bytes % type.size === 0 ? bytes / type.size : UNDEFINED;
}

/** MPI_Get_elements: basic elements in `bytes` of repeated items of `type`, or UNDEFINED. */
export function getElements(bytes: number, type: Datatype): number {
  if (type.size === 0) return 0;
  const items = Math.floor(bytes / type.size);
  let rest = bytes - items * type.size;
  let elements = items * type.elementCount;
  for (const r of type.sig) {
    if (rest === 0) break;
    const per = elementBytes(r.code);
    const take = Math.min(r.n, Math.floor(rest / per));
    elements += take;
    rest -= take * per;
    if (take < r.n) break;
  }
  return rest === 0 ? elements : UNDEFINED;
}
