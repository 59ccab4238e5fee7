// Unit tests of the reduction ops in value mode (MPI-4 §6.9): every predefined op on every TypedArray type
// against an exact BigInt/number reference with C's wrap-around, numbers, bigints, booleans, arrays,
// MAXLOC/MINLOC pairs and ties, ERR_OP / ERR_COUNT cases, and the rank order of non-commutative user ops.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BAND,
  BOR,
  BXOR,
  LAND,
  LOR,
  LXOR,
  MAX,
  MAXLOC,
  MIN,
  MINLOC,
  NO_OP,
  Op,
  PROD,
  REPLACE,
  SUM,
  applyOp,
  type TypedArray,
} from "../../runtime/datatype/index.ts";

const ELEMENTWISE = [SUM, PROD, MAX, MIN, LAND, LOR, LXOR, BAND, BOR, BXOR];

interface ArrayCase {
  ctor: new (values: ArrayLike<number> | ArrayLike<bigint>) => TypedArray;
  bits: number;
  signed: boolean;
  kind: "int" | "float" | "bigint";
  value: fc.Arbitrary<number | bigint>;
}

const intCase = (ctor: ArrayCase["ctor"], bits: number, signed: boolean): ArrayCase => ({
  ctor,
  bits,
  signed,
  kind: "int",
  value: fc.integer({ min: signed ? -(2 ** (bits - 1)) : 0, max: signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1 }),
});

const CASES: ArrayCase[] = [
  intCase(Int8Array, 8, true),
  intCase(Uint8Array, 8, false),
  intCase(Uint8ClampedArray as never, 8, false),
  intCase(Int16Array, 16, true),
  intCase(Uint16Array, 16, false),
  intCase(Int32Array, 32, true),
  intCase(Uint32Array, 32, false),
  {
    ctor: BigInt64Array,
    bits: 64,
    signed: true,
    kind: "bigint",
    value: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  },
  { ctor: BigUint64Array, bits: 64, signed: false, kind: "bigint", value: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) },
  { ctor: Float32Array, bits: 32, signed: true, kind: "float", value: fc.float({ noNaN: true }).map(Math.fround) },
  { ctor: Float64Array, bits: 64, signed: true, kind: "float", value: fc.double({ noNaN: true }) },
];

/** The exact result of x op y, wrapped to the element type as C does (Uint8ClampedArray: clamped). */
function reference(op: Op, c: ArrayCase, x: number | bigint, y: number | bigint): number | bigint {
  const store = (r: number | bigint) => {
    const one = new c.ctor(c.kind === "bigint" ? [0n] : [0]);
    if (c.kind === "int" && c.ctor !== (Uint8ClampedArray as unknown)) {
      r = Number(c.signed ? BigInt.asIntN(c.bits, BigInt(r)) : BigInt.asUintN(c.bits, BigInt(r)));
    } else if (c.kind === "int") r = Number(r);
    (one as unknown as (number | bigint)[])[0] = r;
    return one[0];
  };
  if (c.kind === "float") {
    const [a, b] = [x as number, y as number];
    const table: Record<string, number> = { SUM: a + b, PROD: a * b, MAX: Math.max(a, b), MIN: Math.min(a, b) };
    return store(table[op.name]);
  }
  const [a, b] = [BigInt(x), BigInt(y)];
  const truth = (v: boolean) => (v ? 1n : 0n);
  const table: Record<string, bigint> = {
    SUM: a + b,
    PROD: a * b,
    MAX: a > b ? a : b,
    MIN: a < b ? a : b,
    LAND: truth(a !== 0n && b !== 0n),
    LOR: truth(a !== 0n || b !== 0n),
    LXOR: truth((a !== 0n) !== (b !== 0n)),
    BAND: a & b,
    BOR: a | b,
    BXOR: a ^ b,
  };
  const r = table[op.name];
  return store(r);
}

function errorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as { code: string }).code;
  }
  return "ok";
}

describe("element-wise ops on every TypedArray type", () => {
  for (const c of CASES) {
    it(`${c.ctor.name}`, () => {
      fc.assert(
        fc.property(fc.array(fc.tuple(c.value, c.value), { minLength: 1, maxLength: 20 }), (pairs) => {
          const a = new c.ctor(pairs.map((p) => p[0]) as never);
          const b = new c.ctor(pairs.map((p) => p[1]) as never);
          for (const op of ELEMENTWISE) {
            const fits = c.kind !== "float" || ["SUM", "PROD", "MAX", "MIN"].includes(op.name);
            if (!fits) {
              expect(errorCode(() => applyOp(op, a, b, "allreduce"))).toBe("ERR_OP");
              continue;
            }
            const out = applyOp(op, a, b, "allreduce") as TypedArray;
            expect(out.constructor).toBe(c.ctor);
            expect(out).not.toBe(a);
            expect(Array.from(out as ArrayLike<unknown>)).toEqual(pairs.map(([x, y]) => reference(op, c, x, y)));
          }
        }),
        { numRuns: 30 },
      );
    });
  }

  it("keeps a Buffer a Buffer and refuses mismatched lengths and types", () => {
    const out = applyOp(SUM, Buffer.from([1, 2]), Buffer.from([3, 250]));
    expect(Buffer.isBuffer(out)).toBe(true);
    expect(Array.from(out as Buffer)).toEqual([4, 252]);
    expect(errorCode(() => applyOp(SUM, new Float64Array(2), new Float64Array(3)))).toBe("ERR_COUNT");
    expect(errorCode(() => applyOp(SUM, new Float64Array(2), new Int32Array(2)))).toBe("ERR_OP");
    expect(() => applyOp(BAND, new Float64Array(2), new Float64Array(2), "allreduce")).toThrowError(
      /^allreduce on rank .*: BAND does not apply to a Float64Array\. /,
    );
  });
});

describe("numbers, bigints, booleans and arrays", () => {
  it("numbers", () => {
    expect([SUM, PROD, MAX, MIN].map((op) => applyOp(op, 1.5, -4))).toEqual([-2.5, -6, 1.5, -4]);
    expect([LAND, LOR, LXOR].map((op) => applyOp(op, 2, 0))).toEqual([0, 1, 1]);
    expect(applyOp(BAND, 2 ** 40 + 3, 2 ** 40 + 5)).toBe(2 ** 40 + 1);
    expect(applyOp(BOR, -8, 3)).toBe(-5);
    expect(applyOp(BXOR, 6, 3)).toBe(5);
    expect(() => applyOp(BAND, 1.5, 1, "reduce")).toThrowError(/BAND does not apply to non-integer numbers/);
  });

  it("bigints and booleans", () => {
    expect([SUM, PROD, MAX, MIN, BAND, BXOR].map((op) => applyOp(op, 2n ** 70n, 3n))).toEqual([
      2n ** 70n + 3n,
      3n * 2n ** 70n,
      2n ** 70n,
      3n,
      0n,
      2n ** 70n + 3n,
    ]);
    expect(applyOp(LAND, 5n, 0n)).toBe(0n);
    expect([LAND, LOR, LXOR, BAND].map((op) => applyOp(op, true, false))).toEqual([false, true, true, false]);
    expect(errorCode(() => applyOp(SUM, true, false))).toBe("ERR_OP");
  });

  it("arrays element-wise, nested", () => {
    expect(applyOp(SUM, [1, [2, 3n]], [10, [20, 30n]])).toEqual([11, [22, 33n]]);
    expect(applyOp(MAX, [new Int32Array([1, 9])], [new Int32Array([5, 2])])).toEqual([new Int32Array([5, 9])]);
    expect(errorCode(() => applyOp(SUM, [1, 2], [1]))).toBe("ERR_COUNT");
  });

  it("data an op does not fit is ERR_OP naming the op and the data", () => {
    expect(errorCode(() => applyOp(SUM, "a", "b"))).toBe("ERR_OP");
    expect(() => applyOp(LAND, "a", "b", "reduce")).toThrowError(/LAND does not apply to string/);
    expect(errorCode(() => applyOp(SUM, 1, 1n))).toBe("ERR_OP");
    expect(errorCode(() => applyOp(SUM, null, null))).toBe("ERR_OP");
    expect(errorCode(() => applyOp(SUM, { x: 1 }, { x: 2 }))).toBe("ERR_OP");
    expect(errorCode(() => applyOp({} as Op, 1, 2))).toBe("ERR_OP");
  });
});

describe("MAXLOC and MINLOC", () => {
  it("pick the larger (smaller) value, the smaller index on ties", () => {
    expect(applyOp(MAXLOC, [3, 4], [5, 1])).toEqual([5, 1]);
    expect(applyOp(MAXLOC, [5, 4], [5, 1])).toEqual([5, 1]);
    expect(applyOp(MAXLOC, [5, 0], [5, 1])).toEqual([5, 0]);
    expect(applyOp(MINLOC, [5, 4], [5, 2])).toEqual([5, 2]);
    expect(applyOp(MINLOC, [-1, 9], [5, 2])).toEqual([-1, 9]);
    expect(applyOp(MAXLOC, [2n, 3], [2n, 1])).toEqual([2n, 1]);
  });

  it("work on arrays of pairs and interleaved TypedArrays", () => {
    expect(
      applyOp(
        MAXLOC,
        [
          [1, 0],
          [7, 0],
        ],
        [
          [1, 1],
          [6, 1],
        ],
      ),
    ).toEqual([
      [1, 0],
      [7, 0],
    ]);
    const out = applyOp(MINLOC, new Float64Array([2.5, 3, 1, 0]), new Float64Array([2.5, 1, 0.5, 4]));
    expect(out).toEqual(new Float64Array([2.5, 1, 0.5, 4]));
    expect(errorCode(() => applyOp(MAXLOC, new Float64Array(3), new Float64Array(3)))).toBe("ERR_COUNT");
    expect(errorCode(() => applyOp(MAXLOC, 3, 4))).toBe("ERR_OP");
  });

  it("fold over ranks to the first rank holding the extreme", () => {
    const values = [4, 9, 2, 9, 9, 1];
    const fold = (op: Op) => values.map((v, i) => [v, i]).reduce((acc, x) => applyOp(op, acc, x) as number[]);
    expect(fold(MAXLOC)).toEqual([9, 1]);
    expect(fold(MINLOC)).toEqual([1, 5]);
  });
});

describe("REPLACE, NO_OP and user ops", () => {
  it("REPLACE gives the second (later) value, NO_OP keeps the first, as mpi4py's MPI.REPLACE(x, y)", () => {
    expect(applyOp(REPLACE, 1, 2)).toBe(2);
    expect(applyOp(NO_OP, 1, 2)).toBe(1);
    expect(REPLACE.isCommutative).toBe(false);
  });

  it("a non-commutative user op folds in rank order: ((v0 op v1) op v2) …", () => {
    const concat = Op.create((a: string, b: string) => a + b, false);
    expect(concat.isCommutative).toBe(false);
    expect(SUM.isCommutative).toBe(true);
    const ranks = ["r0", "r1", "r2", "r3"];
    expect(ranks.reduce((acc, v) => applyOp(concat, acc, v) as string)).toBe("r0r1r2r3");
    // 2x2 matrix product is not commutative either: the left fold is M0 M1 M2
    const mul = Op.create(
      (a: number[], b: number[]) => [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
      ],
      false,
    );
    const ms = [
      [1, 1, 0, 1],
      [2, 0, 0, 1],
      [0, 1, 1, 0],
    ];
    expect(ms.reduce((acc, m) => applyOp(mul, acc, m) as number[])).toEqual([1, 2, 1, 0]);
  });

  it("Op.create refuses what is not a function; a freed user op is refused", () => {
    expect(errorCode(() => Op.create(3 as never))).toBe("ERR_OP");
    const op = Op.create((a: number, b: number) => a + b);
    op.free();
    expect(errorCode(() => applyOp(op, 1, 2))).toBe("ERR_OP");
    expect(errorCode(() => SUM.free())).toBe("ERR_OP");
  });
});
