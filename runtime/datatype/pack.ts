// Packing and unpacking of buffer-mode messages (MPI-4 §5.1.11 type maps in communication, §5.2 MPI_Pack /
// MPI_Unpack / MPI_Pack_size). The packed form of `count` items is their bytes in type-map order, with no
// header: exactly count*type.size bytes. A contiguous type is not copied at all (packBuf returns a view);
// other types are copied run by run (typemap.ts): long segments with TypedArray.set, short ones with an
// 8-byte or 4-byte word loop, since one native call costs more than copying a few words (a matrix
// column is one run of 8-byte segments). Source and destination must not overlap.
import { mpiError } from "../errors.ts";
import { BufSpec, specCapacityBytes } from "./bufspec.ts";
import { Datatype } from "./datatype.ts";

/** Segments at least this long are copied with one TypedArray.set each. */
const NATIVE_COPY_BYTES = 128;

/** Byte and word views over a whole ArrayBuffer, addressed by absolute byte offsets. */
class Memory {
  readonly u8: Uint8Array;
  private words: Uint32Array | null = null;
  private doubles: Float64Array | null = null;
  constructor(readonly buffer: ArrayBufferLike) {
    this.u8 = new Uint8Array(buffer);
  }
  get u32(): Uint32Array {
    return (this.words ??= new Uint32Array(this.buffer, 0, this.buffer.byteLength >>> 2));
  }
  get f64(): Float64Array {
    return (this.doubles ??= new Float64Array(this.buffer, 0, this.buffer.byteLength >>> 3));
  }
}

/** Views of users' buffers, kept: a user sends from the same arrays again and again. */
const userMemory = new WeakMap<ArrayBufferLike, Memory>();

function memoryOf(buffer: ArrayBufferLike): Memory {
  let m = userMemory.get(buffer);
  if (!m || m.u8.length !== buffer.byteLength) {
    m = new Memory(buffer);
    userMemory.set(buffer, m);
  }
  return m;
}

/** Copies n segments of len bytes: segment k from s + k*sStride to d + k*dStride (absolute offsets). */
function copySegments(
  src: Memory,
  s: number,
  sStride: number,
  dst: Memory,
  d: number,
  dStride: number,
  len: number,
  n: number,
): void {
  if (len >= NATIVE_COPY_BYTES) {
    for (let k = 0; k < n; k++, s += sStride, d += dStride) dst.u8.set(src.u8.subarray(s, s + len), d);
    return;
  }
  if (s % 8 === 0 && sStride % 8 === 0 && d % 8 === 0 && dStride % 8 === 0 && len % 8 === 0) {
    copyDoubles(src.f64, s / 8, sStride / 8, dst.f64, d / 8, dStride / 8, len / 8, n);
    return;
  }
  if (s % 4 === 0 && sStride % 4 === 0 && d % 4 === 0 && dStride % 4 === 0 && len % 4 === 0) {
    copyWords(src.u32, s / 4, sStride / 4, dst.u32, d / 4, dStride / 4, len / 4, n);
    return;
  }
  const a = src.u8;
  const b = dst.u8;
  for (let k = 0; k < n; k++, s += sStride, d += dStride) {
    for (let j = 0; j < len; j++) b[d + j] = a[s + j];
  }
}

/**
 * The 8-byte loop of copySegments. Any bytes may travel through a Float64Array (INT64 data too): V8 moves
 * float64 values without touching NaN payloads on x64 and arm64; the unit tests check NaN bit patterns.
 */
function copyDoubles(
  a: Float64Array,
  s: number,
  ss: number,
  b: Float64Array,
  d: number,
  ds: number,
  w: number,
  n: number,
): void {
  if (w === 1) {
    for (let k = 0; k < n; k++, s += ss, d += ds) b[d] = a[s];
  } else {
    for (let k = 0; k < n; k++, s += ss, d += ds) {
      for (let j = 0; j < w; j++) b[d + j] = a[s + j];
    }
  }
}

/** The word loop of copySegments, with the common 1- and 2-word segments (float32, float64) unrolled. */
function copyWords(
  a: Uint32Array,
  s: number,
  ss: number,
  b: Uint32Array,
  d: number,
  ds: number,
  w: number,
  n: number,
): void {
  if (w === 1) {
    for (let k = 0; k < n; k++, s += ss, d += ds) b[d] = a[s];
  } else if (w === 2) {
    for (let k = 0; k < n; k++, s += ss, d += ds) {
      b[d] = a[s];
      b[d + 1] = a[s + 1];
    }
  } else {
    for (let k = 0; k < n; k++, s += ss, d += ds) {
      for (let j = 0; j < w; j++) b[d + j] = a[s + j];
    }
  }
}

/**
 * Moves up to `bytes` bytes between the spec's layout and a packed byte range starting at `packedStart`,
 * in type-map order (toPacked: layout → packed). Returns the bytes moved.
 */
function transfer(spec: BufSpec, packed: Uint8Array, packedStart: number, bytes: number, toPacked: boolean): number {
  const type = spec.type;
  const mem = memoryOf(spec.buffer);
  const pk = packed.buffer === spec.buffer ? mem : new Memory(packed.buffer);
  const itemBase = spec.bufferOrigin;
  let p = packed.byteOffset + packedStart;
  let remaining = bytes;
  for (let i = 0; i < spec.count && remaining > 0; i++) {
    const item = itemBase + i * type.extent;
    for (const run of type.runs) {
      const whole = Math.min(run.n, Math.floor(remaining / run.len));
      const at = item + run.disp;
      if (toPacked) copySegments(mem, at, run.stride, pk, p, run.len, run.len, whole);
      else copySegments(pk, p, run.len, mem, at, run.stride, run.len, whole);
      p += whole * run.len;
      remaining -= whole * run.len;
      if (whole < run.n) {
        // the message ends inside this run: copy the head of one segment and stop
        const tail = at + whole * run.stride;
        if (remaining > 0) {
          if (toPacked) copySegments(mem, tail, 0, pk, p, 0, remaining, 1);
          else copySegments(pk, p, 0, mem, tail, 0, remaining, 1);
        }
        return bytes;
      }
    }
  }
  return bytes - remaining;
}

/** The view of a contiguous spec's data bytes (no copy). */
function contiguousView(spec: BufSpec, bytes: number): Uint8Array {
  return new Uint8Array(spec.buffer, spec.bufferOrigin + spec.type.trueLb, bytes);
}

/**
 * The bytes of the message a spec describes, in type-signature order. For a contiguous type this is a
 * view of the array's memory, not a copy: a caller that keeps it past the user's next write must copy it.
 */
export function packBuf(spec: BufSpec): Uint8Array {
  const bytes = specCapacityBytes(spec);
  if (bytes === 0) return new Uint8Array(0);
  if (spec.type.isContiguous) return contiguousView(spec, bytes);
  const out = new Uint8Array(bytes);
  transfer(spec, out, 0, bytes, true);
  return out;
}

function truncated(op: string, got: number, room: number) {
  return mpiError("ERR_TRUNCATE", op, "message truncated", {
    measured: `${got} bytes`,
    expected: `at most ${room} bytes`,
    hint: "Post a receive buffer with room for the whole message (count × type size), or send less",
  });
}

/**
 * Writes received message bytes into the spec's layout (a partial last item is filled as far as the bytes
 * go, as MPI does). Returns the bytes written; more bytes than the spec holds → ERR_TRUNCATE.
 * @param op the operation for the error text, e.g. "recvInto(source=1, tag=0)"
 */
export function unpackBuf(bytes: Uint8Array, spec: BufSpec, op = "unpack"): number {
  const room = specCapacityBytes(spec);
  if (bytes.length > room) throw truncated(op, bytes.length, room);
  if (bytes.length === 0) return 0;
  if (spec.type.isContiguous) {
    contiguousView(spec, bytes.length).set(bytes);
    return bytes.length;
  }
  return transfer(spec, bytes, 0, bytes.length, false);
}

function checkPosition(op: string, position: number, length: number): void {
  if (!Number.isSafeInteger(position) || position < 0 || position > length) {
    throw mpiError("ERR_ARG", op, "position is outside the packing buffer", {
      measured: position,
      expected: `0..${length}`,
    });
  }
}

/** MPI_Pack: packs `inbuf` into `outbuf` at `position`; returns the position after the packed bytes. */
export function pack(inbuf: BufSpec, outbuf: Uint8Array, position: number): number {
  const op = "pack";
  checkPosition(op, position, outbuf.length);
  const bytes = specCapacityBytes(inbuf);
  if (position + bytes > outbuf.length) {
    throw mpiError(
      "ERR_ARG",
      `pack(${inbuf.count} × ${inbuf.type.name}, position=${position})`,
      "the packing buffer is too small",
      {
        measured: `${outbuf.length - position} bytes left`,
        expected: `${bytes} bytes`,
        hint: "Size the buffer with mpi.packSize(count, type) summed over every pack call",
      },
    );
  }
  if (inbuf.type.isContiguous) outbuf.set(packBuf(inbuf), position);
  else transfer(inbuf, outbuf, position, bytes, true);
  return position + bytes;
}

/** MPI_Unpack: unpacks `outbuf`'s items from `inbuf` at `position`; returns the position after them. */
export function unpack(inbuf: Uint8Array, position: number, outbuf: BufSpec): number {
  const op = "unpack";
  checkPosition(op, position, inbuf.length);
  const bytes = specCapacityBytes(outbuf);
  if (position + bytes > inbuf.length) {
    throw mpiError(
      "ERR_TRUNCATE",
      `unpack(position=${position}, ${outbuf.count} × ${outbuf.type.name})`,
      "the packed input ends before the items",
      {
        measured: `${inbuf.length - position} bytes left`,
        expected: `${bytes} bytes`,
        hint: "Unpack the same counts and types, in the same order, as were packed",
      },
    );
  }
  unpackBuf(inbuf.subarray(position, position + bytes), outbuf, "unpack");
  return position + bytes;
}

/** MPI_Pack_size: bytes that pack() uses for `count` items of `type` (tsmpi packs without a header). */
export function packSize(count: number, type: Datatype): number {
  const op = `packSize(${count}, ${type})`;
  if (!Number.isSafeInteger(count) || count < 0) {
    throw mpiError("ERR_COUNT", op, "count must be a non-negative integer", { measured: count, expected: ">= 0" });
  }
  if (!(type instanceof Datatype)) throw mpiError("ERR_TYPE", op, "type is not a Datatype", { measured: typeof type });
  type.assertUsable(op);
  return count * type.size;
}
