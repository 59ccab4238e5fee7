// MPI's datatype constructors (MPI-4 §5.1.2–5.1.7, §5.1.3 subarray, §5.1.7 resized): contiguous, vector,
// hvector, indexed, hindexed, indexed_block, hindexed_block, struct, subarray (C and Fortran order),
// resized and dup, with argument checks (ERR_ARG naming the argument, ERR_TYPE for a bad base type).
// Displacements of vector/indexed are in extents of the base type, those of the h-variants and struct in bytes.
import { mpiError } from "../errors.ts";
import { Datatype, type Combiner, type TypeContents } from "./datatype.ts";
import { combineLayout, padToAlignment, type Layout, type Placement } from "./typemap.ts";

export type ArrayOrder = "C" | "F";
/** Integer codes of the array orders, as getContents() reports them for a subarray. */
export const ORDER_C = 0;
export const ORDER_FORTRAN = 1;

function listText(values: ArrayLike<unknown>): string {
  const shown = Array.from({ length: Math.min(values.length, 6) }, (_, i) => String(values[i]));
  return `[${shown.join(", ")}${values.length > 6 ? ", …" : ""}]`;
}

function checkInteger(op: string, name: string, value: unknown, min?: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || (min !== undefined && value < min)) {
    const expected = min === undefined ? "an integer" : `an integer >= ${min}`;
    throw mpiError("ERR_ARG", op, `${name} must be ${expected}`, { measured: value, expected });
  }
  return value;
}

function checkType(op: string, name: string, type: unknown): Datatype {
  if (!(type instanceof Datatype)) {
    throw mpiError("ERR_TYPE", op, `${name} is not a Datatype`, {
      measured: typeof type,
      expected: "a Datatype",
      hint: "Use a predefined type such as mpi.FLOAT64 or one built with mpi.Datatype.*",
    });
  }
  type.assertUsable(op);
  return type;
}

function checkArray(
  op: string,
  name: string,
  values: unknown,
  length?: number,
  lengthName?: string,
): ArrayLike<unknown> {
  const v = values as ArrayLike<unknown> | null | undefined;
  if (v === null || v === undefined || typeof v !== "object" || typeof v.length !== "number") {
    throw mpiError("ERR_ARG", op, `${name} must be an array`, { measured: typeof values, expected: "an array" });
  }
  if (length !== undefined && v.length !== length) {
    throw mpiError("ERR_ARG", op, `${name} has a different length from ${lengthName}`, {
      measured: v.length,
      expected: length,
      hint: `Give one entry of ${name} per entry of ${lengthName}`,
    });
  }
  return v;
}

function integers(op: string, name: string, values: ArrayLike<unknown>, min?: number): number[] {
  return Array.from({ length: values.length }, (_, i) => checkInteger(op, `${name}[${i}]`, values[i], min));
}

/** The common reduction base of the parts, when they all share one (see Datatype.reductionBase). */
function commonReductionBase(placements: ReadonlyArray<Placement<Datatype>>): Datatype | null {
  let base: Datatype | null | undefined;
  for (const { part, reps } of placements) {
    if (reps <= 0 || part.elementCount === 0) continue;
    if (base === undefined) base = part.reductionBase;
    else if (base !== part.reductionBase) return null;
  }
  return base ?? null;
}

function derive(
  combiner: Combiner,
  name: string,
  contents: TypeContents,
  placements: ReadonlyArray<Placement<Datatype>>,
  adjust: (layout: Layout) => Layout = (l) => l,
): Datatype {
  const layout = adjust(combineLayout(placements));
  return new Datatype({ name, combiner, contents, layout, placements, reductionBase: commonReductionBase(placements) });
}

/** MPI_Type_contiguous: `count` copies of base, one after the other. */
export function contiguous(count: number, base: Datatype): Datatype {
  const op = `Datatype.contiguous(${count}, ${base})`;
  checkInteger(op, "count", count, 0);
  checkType(op, "base", base);
  return derive(
    "CONTIGUOUS",
    `contiguous(${count}, ${base.name})`,
    { integers: [count], addresses: [], datatypes: [base] },
    [{ part: base, disp: 0, reps: count }],
  );
}

function stridedBlocks(base: Datatype, count: number, blocklength: number, strideBytes: number): Placement<Datatype>[] {
  return Array.from({ length: count }, (_, i) => ({ part: base, disp: i * strideBytes, reps: blocklength }));
}

/** MPI_Type_vector: `count` blocks of `blocklength` items, block starts `stride` extents of base apart. */
export function vector(count: number, blocklength: number, stride: number, base: Datatype): Datatype {
  const op = `Datatype.vector(${count}, ${blocklength}, ${stride}, ${base})`;
  checkInteger(op, "count", count, 0);
  checkInteger(op, "blocklength", blocklength, 0);
  checkInteger(op, "stride", stride);
  checkType(op, "base", base);
  const contents = { integers: [count, blocklength, stride], addresses: [], datatypes: [base] };
  const name = `vector(${count}, ${blocklength}, ${stride}, ${base.name})`;
  return derive("VECTOR", name, contents, stridedBlocks(base, count, blocklength, stride * base.extent));
}

/** MPI_Type_create_hvector: as vector, with the stride in bytes. */
export function hvector(count: number, blocklength: number, strideBytes: number, base: Datatype): Datatype {
  const op = `Datatype.hvector(${count}, ${blocklength}, ${strideBytes}, ${base})`;
  checkInteger(op, "count", count, 0);
  checkInteger(op, "blocklength", blocklength, 0);
  checkInteger(op, "strideBytes", strideBytes);
  checkType(op, "base", base);
  const contents = { integers: [count, blocklength], addresses: [strideBytes], datatypes: [base] };
  const name = `hvector(${count}, ${blocklength}, ${strideBytes}, ${base.name})`;
  return derive("HVECTOR", name, contents, stridedBlocks(base, count, blocklength, strideBytes));
}

function blocks(base: Datatype, lengths: number[], displsBytes: number[]): Placement<Datatype>[] {
  return lengths.map((reps, i) => ({ part: base, disp: displsBytes[i], reps }));
}

/** MPI_Type_indexed: block i has blocklengths[i] items at displs[i] extents of base. */
export function indexed(blocklengths: ArrayLike<number>, displs: ArrayLike<number>, base: Datatype): Datatype {
  const op = `Datatype.indexed(${listText(blocklengths ?? [])}, ${listText(displs ?? [])}, ${base})`;
  const lengths = integers(op, "blocklengths", checkArray(op, "blocklengths", blocklengths), 0);
  const ds = integers(op, "displs", checkArray(op, "displs", displs, lengths.length, "blocklengths"));
  checkType(op, "base", base);
  const contents = { integers: [lengths.length, ...lengths, ...ds], addresses: [], datatypes: [base] };
  const name = `indexed(${listText(lengths)}, ${listText(ds)}, ${base.name})`;
  return derive(
    "INDEXED",
    name,
    contents,
    blocks(
      base,
      lengths,
      ds.map((d) => d * base.extent),
    ),
  );
}

/** MPI_Type_create_hindexed: as indexed, with byte displacements. */
export function hindexed(blocklengths: ArrayLike<number>, byteDispls: ArrayLike<number>, base: Datatype): Datatype {
  const op = `Datatype.hindexed(${listText(blocklengths ?? [])}, ${listText(byteDispls ?? [])}, ${base})`;
  const lengths = integers(op, "blocklengths", checkArray(op, "blocklengths", blocklengths), 0);
  const ds = integers(op, "byteDispls", checkArray(op, "byteDispls", byteDispls, lengths.length, "blocklengths"));
  checkType(op, "base", base);
  const contents = { integers: [lengths.length, ...lengths], addresses: ds, datatypes: [base] };
  const name = `hindexed(${listText(lengths)}, ${listText(ds)}, ${base.name})`;
  return derive("HINDEXED", name, contents, blocks(base, lengths, ds));
}

/** MPI_Type_create_indexed_block: blocks of one length at displs[i] extents of base. */
export function indexedBlock(blocklength: number, displs: ArrayLike<number>, base: Datatype): Datatype {
  const op = `Datatype.indexedBlock(${blocklength}, ${listText(displs ?? [])}, ${base})`;
  checkInteger(op, "blocklength", blocklength, 0);
  const ds = integers(op, "displs", checkArray(op, "displs", displs));
  checkType(op, "base", base);
  const contents = { integers: [ds.length, blocklength, ...ds], addresses: [], datatypes: [base] };
  const name = `indexedBlock(${blocklength}, ${listText(ds)}, ${base.name})`;
  return derive(
    "INDEXED_BLOCK",
    name,
    contents,
    blocks(
      base,
      ds.map(() => blocklength),
      ds.map((d) => d * base.extent),
    ),
  );
}

/** MPI_Type_create_hindexed_block: as indexedBlock, with byte displacements. */
export function hindexedBlock(blocklength: number, byteDispls: ArrayLike<number>, base: Datatype): Datatype {
  const op = `Datatype.hindexedBlock(${blocklength}, ${listText(byteDispls ?? [])}, ${base})`;
  checkInteger(op, "blocklength", blocklength, 0);
  const ds = integers(op, "byteDispls", checkArray(op, "byteDispls", byteDispls));
  checkType(op, "base", base);
  const contents = { integers: [ds.length, blocklength], addresses: ds, datatypes: [base] };
  const name = `hindexedBlock(${blocklength}, ${listText(ds)}, ${base.name})`;
  return derive(
    "HINDEXED_BLOCK",
    name,
    contents,
    blocks(
      base,
      ds.map(() => blocklength),
      ds,
    ),
  );
}

/**
 * MPI_Type_create_struct: block i has blocklengths[i] items of types[i] at byteDispls[i]. As C compilers
 * (and MPICH) do, the extent is padded to the strictest alignment of the elements unless a resized type
 * inside sets explicit bounds: a struct of FLOAT64 at 0 and INT32 at 8 has extent 16.
 */
export function struct(
  blocklengths: ArrayLike<number>,
  byteDispls: ArrayLike<number>,
  types: ArrayLike<Datatype>,
): Datatype {
  const op = `Datatype.struct(${listText(blocklengths ?? [])}, ${listText(byteDispls ?? [])}, ${listText(types ?? [])})`;
  const lengths = integers(op, "blocklengths", checkArray(op, "blocklengths", blocklengths), 0);
  const ds = integers(op, "byteDispls", checkArray(op, "byteDispls", byteDispls, lengths.length, "blocklengths"));
  const ts = Array.from(checkArray(op, "types", types, lengths.length, "blocklengths"), (t, i) =>
    checkType(op, `types[${i}]`, t),
  );
  const contents = { integers: [lengths.length, ...lengths], addresses: ds, datatypes: ts };
  const name = `struct(${listText(lengths)}, ${listText(ds)}, ${listText(ts.map((t) => t.name))})`;
  const placements = lengths.map((reps, i) => ({ part: ts[i], disp: ds[i], reps }));
  return derive("STRUCT", name, contents, placements, padToAlignment);
}

/**
 * MPI_Type_create_subarray: the block subsizes at starts of an array of the given sizes, in C (row-major,
 * last index fastest) or Fortran (column-major) order. lb = 0 and extent = the whole array, as in MPI, so
 * consecutive items are consecutive whole arrays. Subsizes may be 0 (an empty block).
 */
export function subarray(
  sizes: ArrayLike<number>,
  subsizes: ArrayLike<number>,
  starts: ArrayLike<number>,
  base: Datatype,
  order: ArrayOrder = "C",
): Datatype {
  const op = `Datatype.subarray(${listText(sizes ?? [])}, ${listText(subsizes ?? [])}, ${listText(starts ?? [])}, ${base}, "${order}")`;
  const size = integers(op, "sizes", checkArray(op, "sizes", sizes), 1);
  if (size.length === 0)
    throw mpiError("ERR_ARG", op, "sizes must have at least one dimension", { measured: 0, expected: ">= 1" });
  const sub = integers(op, "subsizes", checkArray(op, "subsizes", subsizes, size.length, "sizes"), 0);
  const start = integers(op, "starts", checkArray(op, "starts", starts, size.length, "sizes"), 0);
  checkType(op, "base", base);
  if (order !== "C" && order !== "F") {
    throw mpiError("ERR_ARG", op, 'order must be "C" or "F"', { measured: order, expected: "C or F" });
  }
  for (let d = 0; d < size.length; d++) {
    if (start[d] + sub[d] > size[d]) {
      throw mpiError("ERR_ARG", op, `starts[${d}] + subsizes[${d}] goes past sizes[${d}]`, {
        measured: `${start[d]} + ${sub[d]}`,
        expected: `<= ${size[d]}`,
        hint: "The block must lie inside the array",
      });
    }
  }
  // dimensions from the slowest to the fastest varying
  const dims = order === "C" ? [...size.keys()] : [...size.keys()].reverse();
  let strideBytes = base.extent;
  let inner = base;
  let offset = 0;
  for (let k = dims.length - 1; k >= 0; k--) {
    const d = dims[k];
    inner = k === dims.length - 1 ? contiguous(sub[d], base) : hvector(sub[d], 1, strideBytes, inner);
    offset += start[d] * strideBytes;
    strideBytes *= size[d];
  }
  const whole = strideBytes;
  const contents = {
    integers: [size.length, ...size, ...sub, ...start, order === "C" ? ORDER_C : ORDER_FORTRAN],
    addresses: [],
    datatypes: [base],
  };
  const name = `subarray(${listText(size)}, ${listText(sub)}, ${listText(start)}, ${base.name}, ${order})`;
  return derive("SUBARRAY", name, contents, [{ part: inner, disp: offset, reps: 1 }], (l) => ({
    ...l,
    lb: 0,
    ub: whole,
    explicitBounds: true,
  }));
}

/** MPI_Type_create_resized: the same type map with lb and extent set (true lb/extent unchanged). */
export function resized(base: Datatype, lb: number, extent: number): Datatype {
  const op = `Datatype.resized(${base}, ${lb}, ${extent})`;
  checkType(op, "base", base);
  checkInteger(op, "lb", lb);
  checkInteger(op, "extent", extent);
  const contents = { integers: [], addresses: [lb, extent], datatypes: [base] };
  return derive(
    "RESIZED",
    `resized(${base.name}, ${lb}, ${extent})`,
    contents,
    [{ part: base, disp: 0, reps: 1 }],
    (l) => ({
      ...l,
      lb,
      ub: lb + extent,
      explicitBounds: true,
    }),
  );
}

/** MPI_Type_dup. */
export function dup(base: Datatype): Datatype {
  checkType(`Datatype.dup(${base})`, "base", base);
  const contents = { integers: [], addresses: [], datatypes: [base] };
  return derive("DUP", `dup(${base.name})`, contents, [{ part: base, disp: 0, reps: 1 }], (l) => ({
    ...l,
    lb: base.lb,
    ub: base.ub,
    explicitBounds: base.explicitBounds,
  }));
}
