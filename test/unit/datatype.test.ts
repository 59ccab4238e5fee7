// Unit tests of the datatype constructors (MPI-4 §5.1): type maps, size, lb/ub/extent, true extent,
// struct alignment, subarray in C and Fortran order, resized, nesting, envelope/contents, commit/free,
// and the argument errors (ERR_ARG naming the argument, ERR_TYPE for bad types).
import { describe, expect, it } from "vitest";
import {
  BYTE,
  DATATYPE_NULL,
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
  UINT8,
  basicByCode,
  datatypeOfArray,
} from "../../runtime/datatype/index.ts";

type MpiErrorLike = { code: string; message: string };

const disps = (t: Datatype) => t.typeMap().map((e) => e.disp);
const bases = (t: Datatype) => t.typeMap().map((e) => e.base.name);

function bounds(t: Datatype) {
  return { size: t.size, lb: t.lb, ub: t.ub, extent: t.extent, trueLb: t.trueLb, trueExtent: t.trueExtent };
}

function expectMpiError(fn: () => unknown, code: string, ...fragments: string[]): void {
  let caught: MpiErrorLike | undefined;
  try {
    fn();
  } catch (e) {
    caught = e as MpiErrorLike;
  }
  expect(caught, "expected an MpiError").toBeDefined();
  expect(caught!.code).toBe(code);
  for (const f of fragments) expect(caught!.message).toContain(f);
}

describe("predefined types", () => {
  it("have MPI sizes, stable codes and their TypedArrays", () => {
    const table = [
      [BYTE, 1, 1, Uint8Array],
      [INT8, 1, 2, Int8Array],
      [UINT8, 1, 3, Uint8Array],
      [INT16, 2, 4, Int16Array],
      [INT32, 4, 6, Int32Array],
      [INT64, 8, 8, BigInt64Array],
      [FLOAT32, 4, 10, Float32Array],
      [FLOAT64, 8, 11, Float64Array],
    ] as const;
    for (const [t, size, code, ctor] of table) {
      expect(bounds(t)).toEqual({ size, lb: 0, ub: size, extent: size, trueLb: 0, trueExtent: size });
      expect(t.code).toBe(code);
      expect(t.arrayType).toBe(ctor);
      expect(basicByCode(code)).toBe(t);
      expect(t.isContiguous).toBe(true);
      expect(t.getEnvelope().combiner).toBe("NAMED");
    }
  });

  it("pair types are laid out as MPI_DOUBLE_INT, MPI_FLOAT_INT, MPI_2INT", () => {
    expect(bounds(FLOAT64_INT)).toEqual({ size: 12, lb: 0, ub: 16, extent: 16, trueLb: 0, trueExtent: 12 });
    expect(bases(FLOAT64_INT)).toEqual(["FLOAT64", "INT32"]);
    expect(disps(FLOAT64_INT)).toEqual([0, 8]);
    expect(bounds(FLOAT32_INT)).toEqual({ size: 8, lb: 0, ub: 8, extent: 8, trueLb: 0, trueExtent: 8 });
    expect(bounds(INT32_INT).extent).toBe(8);
    expect(FLOAT64_INT.reductionBase).toBe(FLOAT64_INT);
  });

  it("datatypeOfArray maps every TypedArray to its basic type", () => {
    expect(datatypeOfArray(new Float64Array(1))).toBe(FLOAT64);
    expect(datatypeOfArray(Buffer.alloc(1))).toBe(UINT8);
    expect(datatypeOfArray(new Uint8Array(1))).toBe(UINT8);
    expect(datatypeOfArray(new Int8Array(1))).toBe(INT8);
    expect(datatypeOfArray(new BigInt64Array(1))).toBe(INT64);
    expect(datatypeOfArray(new DataView(new ArrayBuffer(1)))).toBe(BYTE);
    expectMpiError(() => datatypeOfArray([1, 2] as never), "ERR_TYPE");
    expectMpiError(() => basicByCode(99), "ERR_TYPE", "99");
  });
});

describe("constructors", () => {
  it("contiguous", () => {
    const t = Datatype.contiguous(3, INT32);
    expect(disps(t)).toEqual([0, 4, 8]);
    expect(bounds(t)).toEqual({ size: 12, lb: 0, ub: 12, extent: 12, trueLb: 0, trueExtent: 12 });
    expect(t.isContiguous).toBe(true);
    expect(t.getEnvelope()).toEqual({ combiner: "CONTIGUOUS", numIntegers: 1, numAddresses: 0, numDatatypes: 1 });
    expect(t.getContents()).toEqual({ integers: [3], addresses: [], datatypes: [INT32] });
  });

  it("vector, with positive and negative strides", () => {
    const t = Datatype.vector(3, 2, 4, FLOAT64);
    expect(disps(t)).toEqual([0, 8, 32, 40, 64, 72]);
    expect(bounds(t)).toEqual({ size: 48, lb: 0, ub: 80, extent: 80, trueLb: 0, trueExtent: 80 });
    expect(t.isContiguous).toBe(false);
    expect(t.getContents().integers).toEqual([3, 2, 4]);
    const back = Datatype.vector(3, 1, -2, INT32);
    expect(disps(back)).toEqual([0, -8, -16]);
    expect(bounds(back)).toEqual({ size: 12, lb: -16, ub: 4, extent: 20, trueLb: -16, trueExtent: 20 });
    expect(Datatype.vector(4, 2, 2, INT16).isContiguous).toBe(true);
  });

  it("hvector", () => {
    const t = Datatype.hvector(2, 3, 20, INT16);
    expect(disps(t)).toEqual([0, 2, 4, 20, 22, 24]);
    expect(bounds(t)).toEqual({ size: 12, lb: 0, ub: 26, extent: 26, trueLb: 0, trueExtent: 26 });
    expect(t.getContents()).toEqual({ integers: [2, 3], addresses: [20], datatypes: [INT16] });
  });

  it("indexed and hindexed", () => {
    const t = Datatype.indexed([2, 1], [1, 5], FLOAT32);
    expect(disps(t)).toEqual([4, 8, 20]);
    expect(bounds(t)).toEqual({ size: 12, lb: 4, ub: 24, extent: 20, trueLb: 4, trueExtent: 20 });
    expect(t.getContents().integers).toEqual([2, 2, 1, 1, 5]);
    const h = Datatype.hindexed([1, 2], [10, 0], INT16);
    expect(disps(h)).toEqual([10, 0, 2]);
    expect(bounds(h)).toEqual({ size: 6, lb: 0, ub: 12, extent: 12, trueLb: 0, trueExtent: 12 });
    expect(h.getContents()).toEqual({ integers: [2, 1, 2], addresses: [10, 0], datatypes: [INT16] });
  });

  it("indexedBlock and hindexedBlock", () => {
    const t = Datatype.indexedBlock(2, [0, 3], INT32);
    expect(disps(t)).toEqual([0, 4, 12, 16]);
    expect(t.extent).toBe(20);
    expect(t.getEnvelope().combiner).toBe("INDEXED_BLOCK");
    const h = Datatype.hindexedBlock(1, [8, 0], FLOAT64);
    expect(disps(h)).toEqual([8, 0]);
    expect(bounds(h)).toEqual({ size: 16, lb: 0, ub: 16, extent: 16, trueLb: 0, trueExtent: 16 });
    expect(h.getContents().addresses).toEqual([8, 0]);
  });

  it("struct, padded to the strictest alignment as C does", () => {
    const t = Datatype.struct([1, 2], [0, 8], [FLOAT64, INT32]);
    expect(bases(t)).toEqual(["FLOAT64", "INT32", "INT32"]);
    expect(disps(t)).toEqual([0, 8, 12]);
    expect(bounds(t)).toEqual({ size: 16, lb: 0, ub: 16, extent: 16, trueLb: 0, trueExtent: 16 });
    const padded = Datatype.struct([1, 1], [0, 8], [FLOAT64, INT8]);
    expect(bounds(padded)).toEqual({ size: 9, lb: 0, ub: 16, extent: 16, trueLb: 0, trueExtent: 9 });
    const shifted = Datatype.struct([1], [4], [INT32]);
    expect(bounds(shifted)).toEqual({ size: 4, lb: 4, ub: 8, extent: 4, trueLb: 4, trueExtent: 4 });
    expect(t.getContents().datatypes).toEqual([FLOAT64, INT32]);
    expect(t.reductionBase).toBe(null);
    expect(Datatype.struct([2, 1], [0, 8], [INT32, INT32]).reductionBase).toBe(INT32);
  });

  it("subarray in C order", () => {
    const t = Datatype.subarray([4, 5], [2, 3], [1, 1], FLOAT64);
    expect(disps(t).map((d) => d / 8)).toEqual([6, 7, 8, 11, 12, 13]);
    expect(bounds(t)).toEqual({ size: 48, lb: 0, ub: 160, extent: 160, trueLb: 48, trueExtent: 64 });
    expect(t.getContents().integers).toEqual([2, 4, 5, 2, 3, 1, 1, 0]);
  });

  it("subarray in Fortran order and in 3-D", () => {
    const f = Datatype.subarray([4, 5], [2, 3], [1, 1], FLOAT64, "F");
    expect(disps(f).map((d) => d / 8)).toEqual([5, 6, 9, 10, 13, 14]);
    const cube = Datatype.subarray([3, 3, 3], [1, 2, 2], [2, 1, 0], INT8);
    expect(disps(cube)).toEqual([21, 22, 24, 25]);
    expect(cube.extent).toBe(27);
    const empty = Datatype.subarray([3, 3], [0, 3], [3, 0], INT8);
    expect(empty.size).toBe(0);
    expect(empty.extent).toBe(9);
  });

  it("resized keeps the true extent and changes where the next item starts", () => {
    const t = Datatype.resized(FLOAT64, -8, 24);
    expect(bounds(t)).toEqual({ size: 8, lb: -8, ub: 16, extent: 24, trueLb: 0, trueExtent: 8 });
    expect(t.isContiguous).toBe(false);
    expect(t.getContents()).toEqual({ integers: [], addresses: [-8, 24], datatypes: [FLOAT64] });
    // the transposition trick: a column of a 3x4 INT32 matrix whose next item starts one element later
    const column = Datatype.resized(Datatype.vector(3, 1, 4, INT32), 0, 4);
    const two = Datatype.contiguous(2, column);
    expect(disps(two)).toEqual([0, 16, 32, 4, 20, 36]);
    expect(two.extent).toBe(8);
    // a resized type inside a struct suppresses alignment padding
    expect(
      Datatype.struct([1], [0], [Datatype.resized(Datatype.struct([1, 1], [0, 8], [FLOAT64, INT8]), 0, 9)]).extent,
    ).toBe(9);
  });

  it("nests: a vector of a struct of a contiguous", () => {
    const inner = Datatype.struct([1, 1], [0, 4], [INT32, Datatype.contiguous(2, INT16)]);
    expect(disps(inner)).toEqual([0, 4, 6]);
    expect(inner.extent).toBe(8);
    const t = Datatype.vector(2, 1, 3, inner);
    expect(disps(t)).toEqual([0, 4, 6, 24, 28, 30]);
    expect(bases(t)).toEqual(["INT32", "INT16", "INT16", "INT32", "INT16", "INT16"]);
    expect(bounds(t)).toEqual({ size: 16, lb: 0, ub: 32, extent: 32, trueLb: 0, trueExtent: 32 });
    expect(t.sig).toEqual([
      { code: INT32.code, n: 1 },
      { code: INT16.code, n: 2 },
      { code: INT32.code, n: 1 },
      { code: INT16.code, n: 2 },
    ]);
  });

  it("keeps a matrix column as one strided run", () => {
    const column = Datatype.vector(1000, 1, 1000, FLOAT64);
    expect(column.runs).toEqual([{ disp: 0, len: 8, stride: 8000, n: 1000 }]);
    const block = Datatype.subarray([100, 100], [10, 100], [5, 0], FLOAT64);
    expect(block.runs).toEqual([{ disp: 4000, len: 8000, stride: 8000, n: 1 }]);
    expect(Datatype.contiguous(0, FLOAT64).runs).toEqual([]);
  });

  it("dup copies the type map", () => {
    const v = Datatype.vector(2, 1, 2, INT32);
    const d = Datatype.dup(v);
    expect(disps(d)).toEqual(disps(v));
    expect(d.extent).toBe(v.extent);
    expect(d.getEnvelope().combiner).toBe("DUP");
  });
});

describe("commit and free", () => {
  it("commit returns the type; a freed type is refused, types built from it stay valid", () => {
    const v = Datatype.vector(2, 1, 2, INT32);
    expect(v.commit()).toBe(v);
    const built = Datatype.contiguous(2, v);
    v.free();
    expect(built.size).toBe(16);
    expectMpiError(() => Datatype.contiguous(2, v), "ERR_TYPE", "freed");
    expectMpiError(() => INT32.free(), "ERR_TYPE", "predefined");
    expectMpiError(() => INT32.getContents(), "ERR_TYPE", "predefined");
    expectMpiError(() => Datatype.contiguous(1, DATATYPE_NULL), "ERR_TYPE", "DATATYPE_NULL");
  });
});

describe("bad arguments name the argument", () => {
  it("counts, blocklengths and displacements", () => {
    expectMpiError(() => Datatype.contiguous(-1, INT32), "ERR_ARG", "count", "-1");
    expectMpiError(() => Datatype.vector(2, -3, 1, INT32), "ERR_ARG", "blocklength", "-3");
    expectMpiError(() => Datatype.vector(2, 1, 1.5, INT32), "ERR_ARG", "stride", "1.5");
    expectMpiError(
      () => Datatype.indexed([1, 2], [0], INT32),
      "ERR_ARG",
      "displs",
      "blocklengths",
      "(1 vs expected 2)",
    );
    expectMpiError(() => Datatype.hindexed([1, -2], [0, 8], INT32), "ERR_ARG", "blocklengths[1]");
    expectMpiError(() => Datatype.indexedBlock(1, [0, 0.5], INT32), "ERR_ARG", "displs[1]");
    expectMpiError(() => Datatype.struct([1, 1], [0, 8], [INT32]), "ERR_ARG", "types", "(1 vs expected 2)");
    expectMpiError(() => Datatype.struct([1], [0], [{} as Datatype]), "ERR_TYPE", "types[0]");
    expectMpiError(() => Datatype.contiguous(2, "FLOAT64" as unknown as Datatype), "ERR_TYPE", "base");
    expectMpiError(() => Datatype.resized(INT32, 0, 2.5), "ERR_ARG", "extent");
  });

  it("subarray shapes", () => {
    expectMpiError(
      () => Datatype.subarray([4, 5], [2, 3], [1, 3], FLOAT64),
      "ERR_ARG",
      "starts[1] + subsizes[1]",
      "3 + 3",
      "<= 5",
    );
    expectMpiError(() => Datatype.subarray([4, 0], [1, 0], [0, 0], FLOAT64), "ERR_ARG", "sizes[1]");
    expectMpiError(() => Datatype.subarray([4, 5], [2], [1, 1], FLOAT64), "ERR_ARG", "subsizes", "sizes");
    expectMpiError(() => Datatype.subarray([], [], [], FLOAT64), "ERR_ARG", "dimension");
    expectMpiError(() => Datatype.subarray([4], [1], [0], FLOAT64, "X" as "C"), "ERR_ARG", "order");
  });
});
