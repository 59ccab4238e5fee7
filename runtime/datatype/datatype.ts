// class Datatype: an MPI datatype (MPI-4 §5.1): its type map (run-length, see typemap.ts), size, lb/ub and
// extent, true lb/extent, the constructor that made it (getEnvelope/getContents, MPI-4 §5.1.13), commit
// and free. The static constructors (contiguous, vector, …) are in constructors.ts; the predefined types
// (INT32, FLOAT64, FLOAT64_INT, …) in predefined.ts.
//
// tsmpi rules worth knowing: commit() is allowed but not required before communication; a freed type
// can no longer be used, but types built from it before free() stay valid (as in MPI).
import { mpiError } from "../errors.ts";
import * as ctor from "./constructors.ts";
import type { ElementInfo, TypedArrayConstructor } from "./basic.ts";
import type { ByteRun, Layout, Placement, SigRun } from "./typemap.ts";

/** MPI's type constructors (MPI_COMBINER_*); NAMED for the predefined types. */
export type Combiner =
  | "NAMED"
  | "DUP"
  | "CONTIGUOUS"
  | "VECTOR"
  | "HVECTOR"
  | "INDEXED"
  | "HINDEXED"
  | "INDEXED_BLOCK"
  | "HINDEXED_BLOCK"
  | "STRUCT"
  | "SUBARRAY"
  | "RESIZED";

/** The arguments a type was built with, in MPI_Type_get_contents' order (counts first, as MPI does). */
export interface TypeContents {
  readonly integers: ReadonlyArray<number>;
  readonly addresses: ReadonlyArray<number>;
  readonly datatypes: ReadonlyArray<Datatype>;
}

export interface TypeEnvelope {
  readonly combiner: Combiner;
  readonly numIntegers: number;
  readonly numAddresses: number;
  readonly numDatatypes: number;
}

/** One entry of the expanded type map: a basic element at a byte displacement from the item's origin. */
export interface TypeMapEntry {
  readonly disp: number;
  readonly base: Datatype;
}

export interface DatatypeInit {
  name: string;
  combiner: Combiner;
  contents: TypeContents;
  layout: Layout;
  /** @internal the parts this type concatenates (for typeMap()); empty for a basic type */
  placements: ReadonlyArray<Placement<Datatype>>;
  /** set for the predefined types */
  element?: ElementInfo;
  /** the basic or pair type a reduction works on, when the whole type is made of one ("self" for a predefined type) */
  reductionBase: Datatype | null | "self";
}

// A LayoutPart in the pure layer's eyes (structurally); its layout members are marked internal, so the .d.ts
// a student's editor reads leaves them out (tsconfig.build.json: stripInternal).
export class Datatype {
  readonly name: string;
  /** @internal wire code of a predefined type; -1 for a derived type */
  readonly code: number;
  /** bytes of data in one item (MPI_Type_size) */
  readonly size: number;
  readonly lb: number;
  readonly ub: number;
  /** ub - lb: where the next item starts (MPI_Type_get_extent) */
  readonly extent: number;
  readonly trueLb: number;
  readonly trueUb: number;
  /** span of the bytes actually touched by one item (MPI_Type_get_true_extent) */
  readonly trueExtent: number;
  /** @internal basic elements in one item */
  readonly elementCount: number;
  /** @internal */
  readonly alignment: number;
  /** @internal true when a resized type set lb/extent somewhere inside (no struct padding then) */
  readonly explicitBounds: boolean;
  /** @internal the byte runs of one item, in type-map (= packing) order */
  readonly runs: ReadonlyArray<ByteRun>;
  /** @internal the type signature of one item, run-length */
  readonly sig: ReadonlyArray<SigRun>;
  /** true when `count` items are one dense run of count*size bytes starting at origin + trueLb */
  readonly isContiguous: boolean;
  /** @internal the predefined element this type is (null for a derived type) */
  readonly element: ElementInfo | null;
  /** @internal the basic or pair type a reduction combines (null when the type mixes several) */
  readonly reductionBase: Datatype | null;
  readonly combiner: Combiner;
  private readonly contents: TypeContents;
  private readonly placements: ReadonlyArray<Placement<Datatype>>;
  private expanded: TypeMapEntry[] | null = null;
  private committed = false;
  private freed = false;

  /** Internal: build types with the static constructors below. */
  constructor(init: DatatypeInit) {
    const l = init.layout;
    this.name = init.name;
    this.combiner = init.combiner;
    this.contents = init.contents;
    this.placements = init.placements;
    this.element = init.element ?? null;
    this.code = init.element ? init.element.code : -1;
    this.size = l.size;
    this.lb = l.lb;
    this.ub = l.ub;
    this.extent = l.ub - l.lb;
    this.trueLb = l.trueLb;
    this.trueUb = l.trueUb;
    this.trueExtent = l.trueUb - l.trueLb;
    this.elementCount = l.elementCount;
    this.alignment = l.alignment;
    this.explicitBounds = l.explicitBounds;
    this.runs = l.runs;
    this.sig = l.sig;
    this.reductionBase = init.reductionBase === "self" ? this : init.reductionBase;
    const single = l.runs.length === 1 && l.runs[0].n === 1 ? l.runs[0] : null;
    this.isContiguous = l.size === 0 || (single !== null && single.len === l.size && this.extent === l.size);
  }

  /** The TypedArray of a predefined basic type (BYTE: Uint8Array), null otherwise. */
  get arrayType(): TypedArrayConstructor | null {
    return this.element?.arrayType ?? null;
  }

  get isPredefined(): boolean {
    return this.combiner === "NAMED";
  }

  get isCommitted(): boolean {
    return this.committed;
  }

  get isFreed(): boolean {
    return this.freed;
  }

  /** MPI_Type_commit: allowed, returns this; tsmpi does not require it before communication. */
  commit(): this {
    this.assertUsable("Datatype.commit");
    this.committed = true;
    return this;
  }

  /** MPI_Type_free: the type can no longer be used; types already built from it stay valid. */
  free(): void {
    if (this.isPredefined) {
      throw mpiError("ERR_TYPE", `Datatype.free(${this.name})`, "a predefined datatype cannot be freed", {
        hint: "Free only types you built with a Datatype constructor",
      });
    }
    this.assertUsable("Datatype.free");
    this.freed = true;
  }

  /** @internal Throws ERR_TYPE if this type was freed or is DATATYPE_NULL. */
  assertUsable(op: string): void {
    if (this.freed) {
      throw mpiError("ERR_TYPE", op, `datatype ${this.name} was freed`, {
        hint: "Build a new datatype, or free it only after its last use",
      });
    }
    if (this.element?.kind === "null") {
      throw mpiError("ERR_TYPE", op, "DATATYPE_NULL cannot describe data", {
        hint: "Use a predefined type such as mpi.FLOAT64 or a derived type",
      });
    }
  }

  /** MPI_Type_get_envelope. */
  getEnvelope(): TypeEnvelope {
    const c = this.contents;
    return {
      combiner: this.combiner,
      numIntegers: c.integers.length,
      numAddresses: c.addresses.length,
      numDatatypes: c.datatypes.length,
    };
  }

  /** MPI_Type_get_contents; erroneous for a predefined type, as in MPI. */
  getContents(): TypeContents {
    if (this.isPredefined) {
      throw mpiError("ERR_TYPE", `Datatype.getContents(${this.name})`, "a predefined datatype has no contents", {
        hint: "Check getEnvelope().combiner first: NAMED types have none",
      });
    }
    const c = this.contents;
    return { integers: [...c.integers], addresses: [...c.addresses], datatypes: [...c.datatypes] };
  }

  /** The expanded type map of one item: every basic element with its byte displacement (for tests, small types). */
  typeMap(): ReadonlyArray<TypeMapEntry> {
    if (this.expanded) return this.expanded;
    const out: TypeMapEntry[] = [];
    if (this.placements.length === 0 && this.elementCount > 0) out.push({ disp: 0, base: this });
    for (const { part, disp, reps } of this.placements) {
      const inner = part.typeMap();
      for (let k = 0; k < reps; k++) {
        const shift = disp + k * part.extent;
        for (const e of inner) out.push({ disp: shift + e.disp, base: e.base });
      }
    }
    this.expanded = out;
    return out;
  }

  toString(): string {
    return this.name;
  }

  static contiguous(count: number, base: Datatype): Datatype {
    return ctor.contiguous(count, base);
  }
  static vector(count: number, blocklength: number, stride: number, base: Datatype): Datatype {
    return ctor.vector(count, blocklength, stride, base);
  }
  static hvector(count: number, blocklength: number, strideBytes: number, base: Datatype): Datatype {
    return ctor.hvector(count, blocklength, strideBytes, base);
  }
  static indexed(blocklengths: ArrayLike<number>, displs: ArrayLike<number>, base: Datatype): Datatype {
    return ctor.indexed(blocklengths, displs, base);
  }
  static hindexed(blocklengths: ArrayLike<number>, byteDispls: ArrayLike<number>, base: Datatype): Datatype {
    return ctor.hindexed(blocklengths, byteDispls, base);
  }
  static indexedBlock(blocklength: number, displs: ArrayLike<number>, base: Datatype): Datatype {
    return ctor.indexedBlock(blocklength, displs, base);
  }
  static hindexedBlock(blocklength: number, byteDispls: ArrayLike<number>, base: Datatype): Datatype {
    return ctor.hindexedBlock(blocklength, byteDispls, base);
  }
  static struct(blocklengths: ArrayLike<number>, byteDispls: ArrayLike<number>, types: ArrayLike<Datatype>): Datatype {
    return ctor.struct(blocklengths, byteDispls, types);
  }
  static subarray(
    sizes: ArrayLike<number>,
    subsizes: ArrayLike<number>,
    starts: ArrayLike<number>,
    base: Datatype,
    order: ctor.ArrayOrder = "C",
  ): Datatype {
    return ctor.subarray(sizes, subsizes, starts, base, order);
  }
  static resized(base: Datatype, lb: number, extent: number): Datatype {
    return ctor.resized(base, lb, extent);
  }
  /** MPI_Type_dup: the same type map under a DUP combiner. */
  static dup(base: Datatype): Datatype {
    return ctor.dup(base);
  }
}
