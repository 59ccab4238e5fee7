// Value-mode encoding: exact round trips (including -0, undefined, Map, Set, BigInt, TypedArrays),
// TypedArrays as raw bytes, and ERR_ARG naming the path of a field that cannot be sent.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { isDeepStrictEqual } from "node:util";
import { encodeValue, decodeValue, TYPED_BASE } from "../../runtime/wire/value.ts";
import { Encoding } from "../../runtime/wire/frame.ts";

const roundTrip = (v: unknown) => {
  const { enc, bytes } = encodeValue(v, "send");
  return decodeValue(enc, Buffer.from(bytes));
};

function hasInvalidDate(v: unknown, seen = new Set<unknown>()): boolean {
  if (v instanceof Date) return Number.isNaN(v.getTime());
  if (v === null || typeof v !== "object" || seen.has(v)) return false;
  seen.add(v);
  const children = v instanceof Map ? [...v.keys(), ...v.values()] : v instanceof Set ? [...v] : Object.values(v);
  return children.some((c) => hasInvalidDate(c, seen));
}

describe("value encoding", () => {
  it("keeps -0 at top level and nested, without changing the caller's object", () => {
    expect(Object.is(roundTrip(-0), -0)).toBe(true);
    const v = { a: [-0, 0, { b: -0 }], m: new Map([["k", -0]]) };
    const back = roundTrip(v) as typeof v;
    expect(Object.is(back.a[0], -0)).toBe(true);
    expect(Object.is(back.a[1], 0)).toBe(true);
    expect(Object.is((back.a[2] as { b: number }).b, -0)).toBe(true);
    expect(Object.is(back.m.get("k"), -0)).toBe(true);
    expect(Object.is(v.a[0], -0)).toBe(true);
  });

  it("sends TypedArrays as their raw bytes and returns the same type", () => {
    const f = new Float32Array([1.5, -2, NaN]);
    const e = encodeValue(f, "send");
    expect(e.enc).toBeGreaterThanOrEqual(TYPED_BASE);
    expect(e.bytes.buffer).toBe(f.buffer);
    const back = decodeValue(e.enc, e.bytes) as Float32Array;
    expect(back).toBeInstanceOf(Float32Array);
    expect(Array.from(back)).toEqual([1.5, -2, NaN]);
    expect(Buffer.isBuffer(roundTrip(Buffer.from("xy")))).toBe(true);
  });

  it("round-trips arbitrary JSON-like values with undefined (property)", () => {
    fc.assert(
      fc.property(fc.anything({ withMap: true, withSet: true, withBigInt: true, withDate: true, withTypedArray: true, withNullPrototype: false, withObjectString: false, withBoxedValues: false, withSparseArray: false }), (v) => {
        expect(isDeepStrictEqual(roundTrip(v), v)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("refuses functions and symbols with ERR_ARG naming the path", () => {
    expect(() => encodeValue({ a: [1, { f: () => 0 }] }, "send(dest=1, tag=0)")).toThrowError(
      /send\(dest=1, tag=0\) on rank .*: value\.a\[1\]\.f is a function, which cannot be sent/,
    );
    expect(() => encodeValue(new Map([["k", Symbol("s")]]), "isend")).toThrowError(/value\.get\(k\) is a symbol/);
    expect(encodeValue({ ok: true }, "send").enc).toBe(Encoding.MSGPACK);
  });
});
