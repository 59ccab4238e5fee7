// Unit tests of buffer-mode reductions (MPI-4 §6.9, §6.9.7 MPI_Reduce_local): applyOpInto on packed bytes of
// every basic type (aligned or not) agreeing with value mode, the pair types with MAXLOC/MINLOC ties,
// ERR_OP / ERR_COUNT / ERR_TYPE, user ops (returning or writing in place), and reduceLocal on derived types.
import { describe, expect, it } from "vitest";
import {
  BAND,
  BYTE,
  Datatype,
  FLOAT32,
  FLOAT32_INT,
  FLOAT64,
  FLOAT64_INT,
  INT16,
  INT32,
  INT32_INT,
  INT64,
  INT8,
  LAND,
  MAX,
  MAXLOC,
  MINLOC,
  NO_OP,
  Op,
  PROD,
  REPLACE,
  SUM,
  UINT16,
  UINT32,
  UINT64,
  UINT8,
  applyOp,
  applyOpInto,
  buf,
  packBuf,
  reduceLocal,
  reductionBase,
  type TypedArray,
} from "../../runtime/datatype/index.ts";

function errorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as { code: string }).code;
  }
  return "ok";
}

/** The bytes of a TypedArray copied to `shift` bytes into a fresh buffer (shift 1 makes them misaligned). */
function bytesAt(array: TypedArray, shift: number): Uint8Array {
  const out = new Uint8Array(new ArrayBuffer(array.byteLength + shift), shift, array.byteLength);
  out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  return out;
}

const BASICS = [INT8, UINT8, INT16, UINT16, INT32, UINT32, INT64, UINT64, FLOAT32, FLOAT64];

describe("applyOpInto on basic types", () => {
  it("agrees with value mode for every type and op, aligned or not", () => {
    for (const type of BASICS) {
      const ctor = type.arrayType!;
      const big = type === INT64 || type === UINT64;
      const values = (seed: number) =>
        Array.from({ length: 9 }, (_, i) => ((i * 37 + seed * 11) % 23) - (type.name.startsWith("U") ? 0 : 11));
      const a = new ctor(values(1).map((v) => (big ? BigInt(v) : v)) as never);
      const b = new ctor(values(2).map((v) => (big ? BigInt(v) : v)) as never);
      for (const op of [SUM, PROD, MAX, LAND, BAND]) {
        for (const shift of [0, 1]) {
          const expected = errorCode(() => applyOp(op, a, b)) === "ok" ? applyOp(op, a, b) : "ERR_OP";
          const inout = bytesAt(b, shift);
          const outcome = errorCode(() => applyOpInto(op, bytesAt(a, shift), inout, type, "allreduce"));
          if (expected === "ERR_OP") {
            expect(outcome, `${op.name} on ${type.name}`).toBe("ERR_OP");
          } else {
            expect(outcome).toBe("ok");
            expect(new ctor(inout.slice().buffer), `${op.name} on ${type.name} shift ${shift}`).toEqual(expected);
          }
        }
      }
    }
  });

  it("REPLACE(in, inout) keeps inout (the later rank's), NO_OP(in, inout) takes in (the earlier rank's)", () => {
    const a = bytesAt(new Int32Array([1, 2]), 0);
    const b = bytesAt(new Int32Array([3, 4]), 0);
    applyOpInto(REPLACE, a, b, INT32);
    expect(new Int32Array(b.buffer)).toEqual(new Int32Array([3, 4]));
    applyOpInto(NO_OP, a, b, INT32);
    expect(new Int32Array(b.buffer)).toEqual(new Int32Array([1, 2]));
  });

  it("BYTE takes only the bitwise ops; floats no logical or bitwise op", () => {
    const x = Uint8Array.from([0b1100]);
    const y = Uint8Array.from([0b1010]);
    applyOpInto(BAND, x, y, BYTE);
    expect(y[0]).toBe(0b1000);
    expect(errorCode(() => applyOpInto(SUM, x, y, BYTE))).toBe("ERR_OP");
    expect(errorCode(() => applyOpInto(LAND, new Uint8Array(8), new Uint8Array(8), FLOAT64))).toBe("ERR_OP");
    expect(() => applyOpInto(BAND, new Uint8Array(8), new Uint8Array(8), FLOAT64, "reduceInto")).toThrowError(
      /^reduceInto on rank .*: BAND does not apply to FLOAT64\. /,
    );
    expect(errorCode(() => applyOpInto(MAXLOC, new Uint8Array(8), new Uint8Array(8), FLOAT64))).toBe("ERR_OP");
  });

  it("refuses operands of different sizes and types that are not basic", () => {
    expect(errorCode(() => applyOpInto(SUM, new Uint8Array(8), new Uint8Array(16), FLOAT64))).toBe("ERR_COUNT");
    expect(errorCode(() => applyOpInto(SUM, new Uint8Array(6), new Uint8Array(6), FLOAT64))).toBe("ERR_COUNT");
    expect(errorCode(() => applyOpInto(SUM, new Uint8Array(8), new Uint8Array(8), Datatype.contiguous(2, INT32)))).toBe(
      "ERR_TYPE",
    );
  });
});

/** Packed pairs: value then INT32 index. */
function packedPairs(type: Datatype, pairs: [number, number][]): Uint8Array {
  const stride = type.size;
  const out = new Uint8Array(stride * pairs.length);
  const view = new DataView(out.buffer);
  pairs.forEach(([v, i], k) => {
    if (type === FLOAT64_INT) view.setFloat64(k * stride, v, true);
    else if (type === FLOAT32_INT) view.setFloat32(k * stride, v, true);
    else view.setInt32(k * stride, v, true);
    view.setInt32(k * stride + stride - 4, i, true);
  });
  return out;
}

function readPairs(type: Datatype, bytes: Uint8Array): [number, number][] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stride = type.size;
  return Array.from({ length: bytes.length / stride }, (_, k) => {
    const at = k * stride;
    const v =
      type === FLOAT64_INT
        ? view.getFloat64(at, true)
        : type === FLOAT32_INT
          ? view.getFloat32(at, true)
          : view.getInt32(at, true);
    return [v, view.getInt32(at + stride - 4, true)];
  });
}

describe("pair types", () => {
  it("MAXLOC / MINLOC with ties to the smaller index, on every pair type", () => {
    for (const type of [FLOAT64_INT, FLOAT32_INT, INT32_INT]) {
      const a: [number, number][] = [
        [1.5, 3],
        [7, 2],
        [4, 0],
        [2, 5],
      ];
      const b: [number, number][] = [
        [2.5, 1],
        [7, 1],
        [4, 1],
        [-2, 0],
      ];
      const max = packedPairs(type, b);
      applyOpInto(MAXLOC, packedPairs(type, a), max, type);
      const min = packedPairs(type, b);
      applyOpInto(MINLOC, packedPairs(type, a), min, type);
      const v = (x: number) => (type === INT32_INT ? Math.trunc(x) : x);
      expect(readPairs(type, max), type.name).toEqual([
        [v(2.5), 1],
        [7, 1],
        [4, 0],
        [2, 5],
      ]);
      expect(readPairs(type, min), type.name).toEqual([
        [v(1.5), 3],
        [7, 1],
        [4, 0],
        [-2, 0],
      ]);
      expect(errorCode(() => applyOpInto(SUM, packedPairs(type, a), packedPairs(type, b), type))).toBe("ERR_OP");
    }
  });

  it("a struct of FLOAT64_INT reduces with MAXLOC through reductionBase", () => {
    const t = Datatype.contiguous(2, FLOAT64_INT);
    expect(reductionBase(t)).toBe(FLOAT64_INT);
    expect(reductionBase(Datatype.struct([1, 1], [0, 8], [FLOAT64, INT32]))).toBe(null);
  });

  it("a user op gets arrays of [value, index] pairs", () => {
    const firstWins = Op.create((a: [number, number][]) => a, false);
    const inout = packedPairs(FLOAT64_INT, [[1, 1]]);
    applyOpInto(firstWins, packedPairs(FLOAT64_INT, [[9, 0]]), inout, FLOAT64_INT);
    expect(readPairs(FLOAT64_INT, inout)).toEqual([[9, 0]]);
  });
});

describe("user ops in buffer mode", () => {
  it("get (in, inout) as TypedArrays, in holding the earlier ranks", () => {
    const seen: string[] = [];
    const minus = Op.create((a: Float64Array, b: Float64Array) => {
      seen.push(`${a.constructor.name}:${a[0]},${b[0]}`);
      return a.map((x, i) => x - b[i]);
    }, false);
    const inout = bytesAt(new Float64Array([1, 10]), 0);
    applyOpInto(minus, bytesAt(new Float64Array([5, 3]), 0), inout, FLOAT64);
    expect(new Float64Array(inout.buffer)).toEqual(new Float64Array([4, -7]));
    expect(seen).toEqual(["Float64Array:5,1"]);
  });

  it("may write into the second argument and return nothing, even on misaligned bytes", () => {
    const inPlace = Op.create((a: Int32Array, b: Int32Array) => {
      for (let i = 0; i < b.length; i++) b[i] = a[i] * 100 + b[i];
    }, false);
    const inout = bytesAt(new Int32Array([1, 2]), 3);
    applyOpInto(inPlace, bytesAt(new Int32Array([7, 8]), 1), inout, INT32);
    expect(new Int32Array(inout.slice().buffer)).toEqual(new Int32Array([701, 802]));
    const wrongLength = Op.create(() => new Int32Array(1));
    expect(errorCode(() => applyOpInto(wrongLength, new Uint8Array(8), new Uint8Array(8), INT32))).toBe("ERR_COUNT");
  });
});

describe("reduceLocal", () => {
  it("reduces a column into a column of another matrix", () => {
    const n = 4;
    const m = Float64Array.from({ length: n * n }, (_, i) => i);
    const acc = new Float64Array(n * n).fill(100);
    const column = Datatype.vector(n, 1, n, FLOAT64);
    reduceLocal(buf(m, column, 1, 1), buf(acc, column, 1, 2), SUM);
    expect(Array.from({ length: n }, (_, r) => acc[r * n + 2])).toEqual([101, 105, 109, 113]);
    expect(acc[0]).toBe(100);
    const contiguous = new Float64Array(n).fill(2);
    reduceLocal(buf(m, column, 1, 0), buf(contiguous), PROD);
    expect(Array.from(contiguous)).toEqual([0, 8, 16, 24]);
  });

  it("refuses different sizes and types without a common basic type", () => {
    expect(errorCode(() => reduceLocal(buf(new Float64Array(3)), buf(new Float64Array(4)), SUM))).toBe("ERR_COUNT");
    expect(errorCode(() => reduceLocal(buf(new Float32Array(2)), buf(new Float64Array(2)), SUM))).toBe("ERR_TYPE");
    const st = Datatype.struct([1, 1], [0, 8], [FLOAT64, INT32]);
    expect(errorCode(() => reduceLocal(buf(new Uint8Array(16), st), buf(new Uint8Array(16), st), MAX))).toBe(
      "ERR_TYPE",
    );
    expect(packBuf(buf(new Uint8Array(16), st)).length).toBe(12);
  });
});
