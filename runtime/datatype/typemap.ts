// The flattened type map of a datatype in run-length form (MPI-4 §5.1, "type map" and "type signature"),
// and the layout rules that combine parts into a new type: size, lb/ub (extent), true lb/ub, alignment.
// A type map is kept twice, both in type-map order (which is also the packing order):
//  - byte runs: `n` segments of `len` bytes, segment k at `disp + k*stride` (bytes from the item's origin);
//    a matrix column is one run, a dense block is one segment, so packing never walks single elements;
//  - signature runs: `n` consecutive basic elements of one code (the type signature, merged).
// Pure functions; Datatype (datatype.ts) satisfies the LayoutPart interface.

export interface ByteRun {
  readonly disp: number;
  readonly len: number;
  readonly stride: number;
  readonly n: number;
}

export interface SigRun {
  readonly code: number;
  readonly n: number;
}

/** What the layout rules need to know about a component type. */
export interface LayoutPart {
  readonly runs: ReadonlyArray<ByteRun>;
  readonly sig: ReadonlyArray<SigRun>;
  readonly size: number;
  readonly lb: number;
  readonly ub: number;
  readonly trueLb: number;
  readonly trueUb: number;
  readonly elementCount: number;
  readonly alignment: number;
  readonly explicitBounds: boolean;
}

/** `reps` consecutive copies of `part` (copy k at disp + k*extent), as in every MPI type constructor. */
export interface Placement<P extends LayoutPart = LayoutPart> {
  readonly part: P;
  readonly disp: number;
  readonly reps: number;
}

export interface Layout {
  runs: ByteRun[];
  sig: SigRun[];
  size: number;
  lb: number;
  ub: number;
  trueLb: number;
  trueUb: number;
  elementCount: number;
  alignment: number;
  explicitBounds: boolean;
}

interface MutableRun {
  disp: number;
  len: number;
  stride: number;
  n: number;
}

/** Appends byte runs in order, merging each with the previous one when they continue each other. */
export class RunBuilder {
  readonly runs: MutableRun[] = [];

  add(disp: number, len: number, stride: number, n: number): void {
    if (len <= 0 || n <= 0) return;
    if (n > 1 && stride === len) {
      len *= n;
      n = 1;
    }
    if (n === 1) stride = len;
    const last = this.runs[this.runs.length - 1];
    if (last && this.mergeInto(last, disp, len, stride, n)) return;
    this.runs.push({ disp, len, stride, n });
  }

  private mergeInto(last: MutableRun, disp: number, len: number, stride: number, n: number): boolean {
    if (last.n === 1 && n === 1 && last.disp + last.len === disp) {
      last.len += len; // dense continuation
      last.stride = last.len;
      return true;
    }
    if (last.len !== len) return false;
    if (last.n === 1 && n === 1) {
      last.stride = disp - last.disp; // two equal segments start a strided run
      last.n = 2;
      return true;
    }
    if (last.n > 1 && disp === last.disp + last.n * last.stride && (n === 1 || stride === last.stride)) {
      last.n += n; // the run goes on with the same stride
      return true;
    }
    if (last.n === 1 && n > 1 && disp - last.disp === stride) {
      last.stride = stride; // a single segment just before a run with the same stride
      last.n = n + 1;
      return true;
    }
    return false;
  }
}

/** Appends signature runs, merging neighbours of one code. */
export function appendSig(out: SigRun[], code: number, n: number): void {
  if (n <= 0) return;
  const last = out[out.length - 1];
  if (last && last.code === code) out[out.length - 1] = { code, n: last.n + n };
  else out.push({ code, n });
}

/** The signature of `reps` copies of `sig` appended to `out`. */
export function appendRepeatedSig(out: SigRun[], sig: ReadonlyArray<SigRun>, reps: number): void {
  if (reps <= 0 || sig.length === 0) return;
  if (sig.length === 1) {
    appendSig(out, sig[0].code, sig[0].n * reps);
    return;
  }
  for (let k = 0; k < reps; k++) for (const r of sig) appendSig(out, r.code, r.n);
}

/** Appends the byte runs of `reps` copies of `part` placed at `disp` (copy k at disp + k*extent). */
function appendPlacementRuns(builder: RunBuilder, part: LayoutPart, disp: number, reps: number): void {
  const extent = part.ub - part.lb;
  const runs = part.runs;
  if (runs.length === 0 || reps <= 0) return;
  if (runs.length === 1 && runs[0].n === 1) {
    // one segment per copy: the copies form one strided run (one dense segment when extent = len)
    builder.add(disp + runs[0].disp, runs[0].len, extent, reps);
    return;
  }
  for (let k = 0; k < reps; k++) {
    const shift = disp + k * extent;
    for (const r of runs) builder.add(shift + r.disp, r.len, r.stride, r.n);
  }
}

/** The layout of the concatenation of placements (MPI's lb/ub rules; no explicit bounds, no padding). */
export function combineLayout(placements: ReadonlyArray<Placement>): Layout {
  const builder = new RunBuilder();
  const sig: SigRun[] = [];
  let size = 0;
  let elementCount = 0;
  let alignment = 1;
  let explicitBounds = false;
  let lb = Infinity;
  let ub = -Infinity;
  let trueLb = Infinity;
  let trueUb = -Infinity;
  for (const { part, disp, reps } of placements) {
    if (reps <= 0) continue;
    if (part.elementCount === 0 && !part.explicitBounds) continue; // an empty type map adds nothing
    const extent = part.ub - part.lb;
    const last = (reps - 1) * extent;
    lb = Math.min(lb, disp + part.lb + Math.min(0, last));
    ub = Math.max(ub, disp + part.ub + Math.max(0, last));
    explicitBounds ||= part.explicitBounds;
    alignment = Math.max(alignment, part.alignment);
    if (part.elementCount === 0) continue;
    trueLb = Math.min(trueLb, disp + part.trueLb + Math.min(0, last));
    trueUb = Math.max(trueUb, disp + part.trueUb + Math.max(0, last));
    size += part.size * reps;
    elementCount += part.elementCount * reps;
    appendPlacementRuns(builder, part, disp, reps);
    appendRepeatedSig(sig, part.sig, reps);
  }
  if (lb === Infinity) lb = ub = 0;
  if (trueLb === Infinity) trueLb = trueUb = 0;
  return { runs: builder.runs, sig, size, lb, ub, trueLb, trueUb, elementCount, alignment, explicitBounds };
}

/** MPI's epsilon for struct types: the extent is rounded up to the strictest alignment of its elements. */
export function padToAlignment(layout: Layout): Layout {
  if (layout.explicitBounds || layout.alignment <= 1) return layout;
  const extent = layout.ub - layout.lb;
  const padded = Math.ceil(extent / layout.alignment) * layout.alignment;
  return { ...layout, ub: layout.lb + padded };
}

/** The layout of a basic element: one segment, one signature element. */
export function basicLayout(code: number, bytes: number, alignment: number): Layout {
  return {
    runs: bytes > 0 ? [{ disp: 0, len: bytes, stride: bytes, n: 1 }] : [],
    sig: bytes > 0 ? [{ code, n: 1 }] : [],
    size: bytes,
    lb: 0,
    ub: bytes,
    trueLb: 0,
    trueUb: bytes,
    elementCount: bytes > 0 ? 1 : 0,
    alignment,
    explicitBounds: false,
  };
}
