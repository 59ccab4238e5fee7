// Value-mode payloads (mpi4py's lowercase send/recv): any structured-clone value through msgpackr,
// and top-level TypedArrays / Buffers as their raw bytes (no msgpack copy), arriving as the same type.
// msgpackr turns -0 into 0 and silently drops functions: we restore -0 with an extension and refuse
// functions and symbols with ERR_ARG naming the path of the offending field; an invalid Date stays one. An own property named
// "__proto__" (JSON.parse makes them) arrives as an own property too, never as the received object's
// prototype: such objects travel as their list of entries and are rebuilt with defineProperty.
// "msgpackr/pack" is msgpackr without its optional native string extractor (a compiled addon the default
// entry loads when installed): no native module in a rank, and one less thing to load per rank.
import { Packr, addExtension } from "msgpackr/pack";
import { Encoding } from "../protocol.ts";
import { ErrorCode, mpiError } from "../errors.ts";

/** Marker standing for -0 inside an encoded structure. */
class NegativeZero {}
addExtension({
  Class: NegativeZero,
  type: 0x6e,
  write: () => 0,
  read: () => -0,
});

/** Marker standing for an invalid Date (msgpack's timestamps cannot hold NaN). */
class InvalidDate {}
addExtension({
  Class: InvalidDate,
  type: 0x64,
  write: () => 0,
  read: () => new Date(NaN),
});

/** Marker standing for a plain object that has an own "__proto__" key: its entries, in order. */
class EntriesObject {
  constructor(readonly entries: [string, unknown][]) {}
}
addExtension({
  Class: EntriesObject,
  type: 0x6f,
  write: (o: EntriesObject) => o.entries,
  read: (entries: [string, unknown][]) => {
    const o: Record<string, unknown> = {};
    for (const [key, value] of entries)
      Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
    return o;
  },
});

const packr = new Packr({ structuredClone: true, moreTypes: true });

type TypedArrayCtor =
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Uint8ClampedArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor;

/** Encoding byte = TYPED_BASE + index in this table. Buffer is last: it arrives as a Buffer. */
const TYPED_CTORS: TypedArrayCtor[] = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
];
export const TYPED_BASE = 16;
const BUFFER_ENC = TYPED_BASE + TYPED_CTORS.length;

export type AnyTypedArray = InstanceType<TypedArrayCtor>;

export function isTypedEncoding(enc: number): boolean {
  return enc >= TYPED_BASE && enc <= BUFFER_ENC;
}

/** The TypedArray constructor of a typed encoding (Uint8Array for Buffer). */
export function typedCtorOf(enc: number): TypedArrayCtor {
  return enc === BUFFER_ENC ? Uint8Array : TYPED_CTORS[enc - TYPED_BASE];
}

export interface EncodedValue {
  enc: number;
  bytes: Uint8Array; // may view the caller's memory for typed arrays: copy before the caller can change it
}

export function encodeValue(value: unknown, op: string): EncodedValue {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const enc = Buffer.isBuffer(value) ? BUFFER_ENC : TYPED_BASE + TYPED_CTORS.findIndex((c) => value instanceof c);
    return { enc, bytes: new Uint8Array(value.buffer, value.byteOffset, value.byteLength) };
  }
  const prepared = prepareForPack(value, op);
  return { enc: Encoding.MSGPACK, bytes: packr.pack(prepared) };
}

/**
 * Decodes a payload. `owned`: the bytes are a buffer of their own (a large message assembled by the frame
 * decoder), so a TypedArray may be built over them without a copy when they are aligned.
 */
export function decodeValue(enc: number, bytes: Uint8Array, owned = false): unknown {
  if (enc === Encoding.MSGPACK) return packr.unpack(bytes);
  if (enc === BUFFER_ENC)
    return owned ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : Buffer.from(bytes);
  if (isTypedEncoding(enc)) return typedArrayOver(typedCtorOf(enc), bytes, owned);
  return undefined;
}

/** A TypedArray of `Ctor` holding `bytes`: over them when owned and aligned, else over a copy. */
export function typedArrayOver(Ctor: TypedArrayCtor, bytes: Uint8Array, owned: boolean): AnyTypedArray {
  const buffer = bytes.buffer as ArrayBuffer;
  const n = Math.floor(bytes.byteLength / Ctor.BYTES_PER_ELEMENT);
  if (owned && bytes.byteOffset % Ctor.BYTES_PER_ELEMENT === 0) return new Ctor(buffer, bytes.byteOffset, n);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Ctor(copy.buffer, 0, n);
}

/**
 * Walks a value before packing: refuses what cannot travel (functions, symbols, WeakMaps, Promises),
 * and replaces -0 by a marker. Returns the value itself when nothing needed replacing (the usual case).
 */
function prepareForPack(value: unknown, op: string): unknown {
  const seen = new Map<object, unknown>();
  const visit = (v: unknown, path: string): unknown => {
    switch (typeof v) {
      case "number":
        return Object.is(v, -0) ? new NegativeZero() : v;
      case "function":
      case "symbol":
        throw refuse(op, path, typeof v);
      case "object":
        break;
      default:
        return v;
    }
    if (v instanceof Date && Number.isNaN(v.getTime())) return new InvalidDate();
    if (v === null || ArrayBuffer.isView(v) || v instanceof ArrayBuffer || v instanceof Date || v instanceof RegExp)
      return v;
    if (v instanceof WeakMap || v instanceof WeakSet || v instanceof Promise)
      throw refuse(op, path, v.constructor.name);
    if (seen.has(v)) return seen.get(v);
    seen.set(v, v);
    if (Array.isArray(v)) return rebuildArray(v, path, visit, seen);
    if (v instanceof Map) return rebuildMap(v, path, visit, seen);
    if (v instanceof Set) return rebuildSet(v, path, visit, seen);
    return rebuildObject(v as Record<string, unknown>, path, visit, seen);
  };
  return visit(value, "value");
}

type Visit = (v: unknown, path: string) => unknown;

function rebuildArray(a: unknown[], path: string, visit: Visit, seen: Map<object, unknown>): unknown {
  let copy: unknown[] | null = null;
  for (let i = 0; i < a.length; i++) {
    const r = visit(a[i], `${path}[${i}]`);
    if (r !== a[i] && copy === null) {
      copy = a.slice(0, i);
      seen.set(a, copy);
    }
    if (copy) copy.push(r);
  }
  return copy ?? a;
}

function rebuildMap(m: Map<unknown, unknown>, path: string, visit: Visit, seen: Map<object, unknown>): unknown {
  let changed = false;
  const entries: [unknown, unknown][] = [];
  for (const [k, val] of m) {
    const nk = visit(k, `${path}.key(${String(k)})`);
    const nv = visit(val, `${path}.get(${String(k)})`);
    changed ||= nk !== k || nv !== val;
    entries.push([nk, nv]);
  }
  if (!changed) return m;
  const copy = new Map(entries);
  seen.set(m, copy);
  return copy;
}

function rebuildSet(s: Set<unknown>, path: string, visit: Visit, seen: Map<object, unknown>): unknown {
  let changed = false;
  const items: unknown[] = [];
  for (const item of s) {
    const n = visit(item, `${path}.item`);
    changed ||= n !== item;
    items.push(n);
  }
  if (!changed) return s;
  const copy = new Set(items);
  seen.set(s, copy);
  return copy;
}

function rebuildObject(o: Record<string, unknown>, path: string, visit: Visit, seen: Map<object, unknown>): unknown {
  if (Object.hasOwn(o, "__proto__")) {
    const marker = new EntriesObject([]);
    seen.set(o, marker);
    for (const key of Object.keys(o)) marker.entries.push([key, visit(o[key], `${path}.${key}`)]);
    return marker;
  }
  let copy: Record<string, unknown> | null = null;
  for (const key of Object.keys(o)) {
    const r = visit(o[key], `${path}.${key}`);
    if (r !== o[key] && copy === null) {
      copy = { ...o };
      seen.set(o, copy);
    }
    if (copy) copy[key] = r;
  }
  return copy ?? o;
}

function refuse(op: string, path: string, what: string) {
  return mpiError(ErrorCode.ERR_ARG, op || "send", `${path} is a ${what}, which cannot be sent`, {
    hint: "send data only (numbers, strings, arrays, plain objects, Map, Set, Date, BigInt, TypedArrays); send a function's result, not the function",
  });
}
