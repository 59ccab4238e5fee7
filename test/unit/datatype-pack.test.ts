// Property tests of packing (MPI-4 §5.1.11, §5.2): packBuf/unpackBuf/pack/unpack of random nestings of every
// constructor, on random counts, offsets and buffer placements, against a naive element-by-element
// reference built from the expanded type map; plus mpi.buf's checks, truncation and pack round trips.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BYTE,
  Datatype,
  FLOAT32,
  FLOAT64,
  FLOAT64_INT,
  INT16,
  INT32,
  INT64,
  INT8,
  UINT64,
  UINT8,
  buf,
  pack,
  packBuf,
  packSize,
  unpack,
  unpackBuf,
} from "../../runtime/datatype/index.ts";

const MAX_ELEMENTS = 3000;

/** Random datatypes: every constructor, nested up to `depth` levels, over `leaves`. */
function typeArb(leaves: Datatype[], depth: number): fc.Arbitrary<Datatype> {
  const leaf = fc.constantFrom(...leaves);
  if (depth === 0) return leaf;
  const inner = typeArb(leaves, depth - 1);
  const smallInt = fc.integer({ min: -6, max: 8 });
  const bytes = fc.integer({ min: -48, max: 96 });
  const blocks = (displ: fc.Arbitrary<number>) => fc.array(fc.tuple(fc.nat(3), displ), { maxLength: 4 });
  const derived = fc.oneof(
    fc.tuple(fc.nat(4), inner).map(([c, t]) => Datatype.contiguous(c, t)),
    fc.tuple(fc.nat(4), fc.nat(3), smallInt, inner).map(([c, b, s, t]) => Datatype.vector(c, b, s, t)),
    fc.tuple(fc.nat(4), fc.nat(3), bytes, inner).map(([c, b, s, t]) => Datatype.hvector(c, b, s, t)),
    fc.tuple(blocks(smallInt), inner).map(([bl, t]) =>
      Datatype.indexed(
        bl.map((x) => x[0]),
        bl.map((x) => x[1]),
        t,
      ),
    ),
    fc.tuple(blocks(bytes), inner).map(([bl, t]) =>
      Datatype.hindexed(
        bl.map((x) => x[0]),
        bl.map((x) => x[1]),
        t,
      ),
    ),
    fc.tuple(fc.nat(3), fc.array(smallInt, { maxLength: 4 }), inner).map(([b, d, t]) => Datatype.indexedBlock(b, d, t)),
    fc.tuple(fc.nat(3), fc.array(bytes, { maxLength: 4 }), inner).map(([b, d, t]) => Datatype.hindexedBlock(b, d, t)),
    fc.array(fc.tuple(fc.nat(3), bytes, inner), { maxLength: 3 }).map((parts) =>
      Datatype.struct(
        parts.map((p) => p[0]),
        parts.map((p) => p[1]),
        parts.map((p) => p[2]),
      ),
    ),
    fc
      .array(fc.tuple(fc.integer({ min: 1, max: 5 }), fc.nat(), fc.nat()), { minLength: 1, maxLength: 3 })
      .chain((dims) =>
        fc.tuple(fc.constantFrom<"C" | "F">("C", "F"), inner).map(([order, t]) => {
          const sizes = dims.map((d) => d[0]);
          const subsizes = dims.map((d) => d[1] % (d[0] + 1));
          const starts = dims.map((d, i) => d[2] % (sizes[i] - subsizes[i] + 1));
          return Datatype.subarray(sizes, subsizes, starts, t, order);
        }),
      ),
    fc
      .tuple(inner, fc.integer({ min: -24, max: 24 }), fc.integer({ min: -8, max: 64 }))
      .map(([t, lb, e]) => Datatype.resized(t, lb, e)),
  );
  return fc.oneof(leaf, derived).filter((t) => t.elementCount <= MAX_ELEMENTS);
}

/** A byte array holding `count` items of `type` at a random placement inside a larger ArrayBuffer. */
function layoutFor(type: Datatype, count: number, slack: number, shift: number) {
  const last = Math.max(0, count - 1) * type.extent;
  const low = Math.min(0, type.trueLb + Math.min(0, last), type.lb);
  const high = Math.max(type.trueUb + Math.max(0, last), 0);
  const origin = -low;
  const length = origin + high + slack;
  const memory = new Uint8Array(new ArrayBuffer(length + shift + 3), shift, length);
  return { memory, origin };
}

/** The naive reference: copies every basic element of every item, one at a time, in type-map order. */
function naivePack(memory: Uint8Array, origin: number, type: Datatype, count: number): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    for (const e of type.typeMap()) {
      const at = origin + i * type.extent + e.disp;
      for (let b = 0; b < e.base.size; b++) out.push(memory[at + b]);
    }
  }
  return Uint8Array.from(out);
}

function naiveUnpack(bytes: Uint8Array, memory: Uint8Array, origin: number, type: Datatype, count: number): void {
  let p = 0;
  for (let i = 0; i < count && p < bytes.length; i++) {
    for (const e of type.typeMap()) {
      const at = origin + i * type.extent + e.disp;
      for (let b = 0; b < e.base.size && p < bytes.length; b++) memory[at + b] = bytes[p++];
    }
  }
}

function fillRandom(memory: Uint8Array, seed: number): void {
  let x = seed | 1;
  for (let i = 0; i < memory.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    memory[i] = x & 0xff;
  }
}

const ALL_LEAVES = [INT8, UINT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BYTE, FLOAT64_INT];
const caseArb = fc.record({
  type: typeArb(ALL_LEAVES, 3),
  count: fc.nat(3),
  slack: fc.nat(16),
  shift: fc.nat(7),
  seed: fc.integer(),
  cut: fc.double({ min: 0, max: 1, noNaN: true }),
});

describe("packBuf / unpackBuf against the element-by-element reference", () => {
  it("packs random nestings of every constructor", () => {
    fc.assert(
      fc.property(caseArb, ({ type, count, slack, shift, seed }) => {
        const { memory, origin } = layoutFor(type, count, slack, shift);
        fillRandom(memory, seed);
        const spec = buf(memory, type, count, origin);
        expect(packBuf(spec)).toEqual(naivePack(memory, origin, type, count));
      }),
      { numRuns: 400 },
    );
  });

  it("unpacks whole and partial messages into random nestings", () => {
    fc.assert(
      fc.property(caseArb, ({ type, count, slack, shift, seed, cut }) => {
        const { memory, origin } = layoutFor(type, count, slack, shift);
        const expected = new Uint8Array(memory.length);
        const message = new Uint8Array(count * type.size);
        fillRandom(message, seed);
        const partial = message.subarray(0, Math.floor(cut * message.length));
        for (const bytes of [message, partial]) {
          memory.fill(0);
          expected.fill(0);
          const written = unpackBuf(bytes, buf(memory, type, count, origin), "recv");
          naiveUnpack(bytes, expected, origin, type, count);
          expect(written).toBe(bytes.length);
          expect(memory).toEqual(expected);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("packs FLOAT64 nestings over a Float64Array at an element offset", () => {
    fc.assert(
      fc.property(typeArb([FLOAT64], 3), fc.nat(3), fc.integer(), (type, count, seed) => {
        const { memory, origin } = layoutFor(type, count, 8, 0);
        const words = new Float64Array(Math.ceil(memory.length / 8) + Math.ceil(origin / 8) + 1);
        const offset = Math.ceil(origin / 8);
        const bytes = new Uint8Array(words.buffer);
        fillRandom(bytes, seed);
        const spec = buf(words, type, count, offset);
        const packed = packBuf(spec);
        expect(packed).toEqual(naivePack(bytes, offset * 8, type, count));
        const copy = new Float64Array(words.length);
        unpackBuf(packed, buf(copy, type, count, offset));
        const reference = new Uint8Array(words.byteLength);
        naiveUnpack(packed, reference, offset * 8, type, count);
        expect(new Uint8Array(copy.buffer)).toEqual(reference);
      }),
      { numRuns: 200 },
    );
  });
});

describe("packing paths", () => {
  it("a contiguous spec packs to a view of the array, not a copy", () => {
    const a = new Float64Array([1, 2, 3, 4, 5]);
    const packed = packBuf(buf(a, FLOAT64, 3, 1));
    expect(packed.buffer).toBe(a.buffer);
    expect(new Float64Array(packed.buffer, packed.byteOffset, 3)).toEqual(new Float64Array([2, 3, 4]));
  });

  it("a matrix column and long blocks (native copies) match the reference", () => {
    const n = 50;
    const m = Float64Array.from({ length: n * n }, (_, i) => i);
    const column = Datatype.vector(n, 1, n, FLOAT64);
    expect(Array.from(new Float64Array(packBuf(buf(m, column, 1, 7)).buffer))).toEqual(
      Array.from({ length: n }, (_, r) => r * n + 7),
    );
    const rows = Datatype.vector(3, 40, n, FLOAT64); // 320-byte blocks
    const bytes = new Uint8Array(m.buffer);
    expect(packBuf(buf(m, rows, 2, 0))).toEqual(naivePack(bytes, 0, rows, 2));
    const back = new Float64Array(n * n);
    unpackBuf(packBuf(buf(m, rows, 2, 0)), buf(back, rows, 2, 0));
    expect(back[n + 39]).toBe(n + 39);
    expect(back[40]).toBe(0);
  });

  it("moves INT64 bit patterns that read as NaN unchanged, also once the copy loop is optimized", () => {
    const patterns = [
      0x7ff0000000000001n,
      0x7ff4000000000000n,
      0xfff7fffffff7ffffn,
      0xfff8000000000001n,
      0x7fffffffffffffffn,
    ];
    const source = BigUint64Array.from({ length: 64 }, (_, i) => patterns[i % patterns.length]);
    const everyOther = Datatype.vector(32, 1, 2, UINT64);
    const expected = source.filter((_, i) => i % 2 === 0);
    for (let round = 0; round < 3000; round++) {
      const packed = packBuf(buf(source, everyOther, 1));
      const got = new BigUint64Array(packed.buffer, packed.byteOffset, 32);
      if (round % 500 === 0 || round === 2999) expect(got).toEqual(expected);
    }
  });

  it("keeps runs that continue with another stride apart", () => {
    const t = Datatype.struct([1, 1], [0, 24], [Datatype.vector(3, 1, 2, INT32), Datatype.vector(2, 1, 3, INT32)]);
    const m = Int32Array.from({ length: 12 }, (_, i) => i);
    const packed = packBuf(buf(m, t, 1));
    expect(Array.from(new Int32Array(packed.buffer, packed.byteOffset, 5))).toEqual([0, 2, 4, 6, 9]);
  });

  it("gathers columns into a transposed matrix with a resized vector", () => {
    const rows = 3;
    const cols = 4;
    const m = Int32Array.from({ length: rows * cols }, (_, i) => i);
    const column = Datatype.resized(Datatype.vector(rows, 1, cols, INT32), 0, 4);
    const packed = packBuf(buf(m, column, cols)); // every column, one after the other
    const t = new Int32Array(packed.buffer, packed.byteOffset, rows * cols);
    expect(Array.from(t)).toEqual([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
    const again = new Int32Array(rows * cols);
    unpackBuf(packed, buf(again, column, cols));
    expect(again).toEqual(m);
  });
});

describe("mpi.buf checks", () => {
  it("defaults the type and the count, honours the offset in elements", () => {
    const a = new Float32Array(10);
    const s = buf(a, undefined, undefined, 4);
    expect([s.type, s.count, s.origin]).toEqual([FLOAT32, 6, 16]);
    expect(buf(new Float64Array(10), Datatype.vector(2, 1, 3, FLOAT64)).count).toBe(2); // 2 items of extent 4 + trailing
    expect(buf(new Uint8Array(16), FLOAT64_INT).count).toBe(1);
  });

  it("refuses items that do not fit, bad offsets and types that do not fit the array", () => {
    const a = new Float64Array(10);
    expect(() => buf(a, FLOAT64, 11)).toThrow(/ERR_COUNT|do not fit/);
    expect(() => buf(a, FLOAT64, 5, 6)).toThrowError(/11 items|5 items of FLOAT64 do not fit/);
    expect(() => buf(a, FLOAT64, 1, 11)).toThrowError(/offset/);
    expect(() => buf(a, FLOAT64, -1)).toThrowError(/count/);
    expect(() => buf(a, INT32, 2)).toThrowError(/INT32 does not fit a Float64Array/);
    expect(() => buf([1, 2] as never)).toThrowError(/TypedArray/);
    const codes = [() => buf(a, FLOAT64, 11), () => buf(a, INT32, 2), () => buf(a, FLOAT64, 1, -1)].map((f) => {
      try {
        f();
      } catch (e) {
        return (e as { code: string }).code;
      }
      return "none";
    });
    expect(codes).toEqual(["ERR_COUNT", "ERR_TYPE", "ERR_ARG"]);
    // a negative lb needs room before the offset
    expect(() => buf(a, Datatype.resized(FLOAT64, -8, 8), 1, 0)).not.toThrow(); // lb is not touched, true lb is 0
    expect(() => buf(a, Datatype.hindexed([1], [-8], FLOAT64), 1, 0)).toThrowError(/do not fit/);
    expect(buf(a, Datatype.hindexed([1], [-8], FLOAT64), 1, 1).count).toBe(1);
  });

  it("lays any type over bytes, and BYTE over any array", () => {
    const st = Datatype.struct([1, 1], [0, 8], [FLOAT64, INT32]);
    expect(buf(new Uint8Array(32), st).count).toBe(2);
    expect(buf(new DataView(new ArrayBuffer(32)), st).count).toBe(2);
    expect(buf(new Float64Array(2), BYTE).count).toBe(16);
  });
});

describe("truncation, MPI_Pack / MPI_Unpack / MPI_Pack_size", () => {
  it("a message longer than the receive spec is ERR_TRUNCATE with both sizes", () => {
    const spec = buf(new Float64Array(4), Datatype.vector(2, 1, 2, FLOAT64), 1);
    let error: { code: string; message: string } | undefined;
    try {
      unpackBuf(new Uint8Array(24), spec, "recvInto(source=1, tag=5)");
    } catch (e) {
      error = e as typeof error;
    }
    expect(error?.code).toBe("ERR_TRUNCATE");
    expect(error?.message).toMatch(
      /^recvInto\(source=1, tag=5\) on rank .*: message truncated \(24 bytes vs expected at most 16 bytes\)\. /,
    );
  });

  it("pack then unpack round-trips several specs through one buffer", () => {
    const column = Datatype.vector(3, 1, 3, FLOAT64);
    const m = Float64Array.from({ length: 9 }, (_, i) => i + 0.5);
    const ids = Int32Array.from([7, 8, 9]);
    const size = packSize(1, column) + packSize(3, INT32);
    expect(size).toBe(36);
    const out = new Uint8Array(size + 4);
    let pos = pack(buf(m, column, 1, 1), out, 0);
    pos = pack(buf(ids), out, pos);
    expect(pos).toBe(36);
    const row = new Float64Array(3);
    const back = new Int32Array(3);
    pos = unpack(out, 0, buf(row));
    pos = unpack(out, pos, buf(back));
    expect(pos).toBe(36);
    expect(Array.from(row)).toEqual([1.5, 4.5, 7.5]);
    expect(back).toEqual(ids);
    expect(() => pack(buf(m), new Uint8Array(8), 0)).toThrowError(/too small/);
    expect(() => unpack(out, 36, buf(new Float64Array(1)))).toThrowError(/ends before/);
    expect(() => packSize(-1, INT32)).toThrowError(/count/);
  });
});
