// The binary payloads of a window's CONTROL frames (kinds in constants.ts). No msgpack: a few fixed
// little-endian fields, then the data bytes, so a 1 MiB put costs one copy into the frame.
// Origin → target frames start with [u32 fence round][u8 flags][u32 opId]; target → origin REPLY frames
// with [u32 opId]. A target region travels as a TargetLayout: where item 0 starts in the window (bytes),
// how many items, their extent, and the byte runs of one item (datatype/typemap.ts), so the target needs
// no Datatype object to place, read or combine the bytes.
import type { ByteRun } from "../datatype/index.ts";

/** Where an operation's data lies in the target's window. */
export interface TargetLayout {
  /** byte offset in the window of item 0's origin (displacement × the target's dispUnit) */
  base: number;
  count: number;
  extent: number;
  runs: ReadonlyArray<ByteRun>;
  /** data bytes in all items */
  bytes: number;
}

export interface OriginHeader {
  round: number;
  flags: number;
  opId: number;
}

const HEADER = 9;
const LAYOUT_FIXED = 8 + 4 + 8 + 2;
const RUN = 32;

export function layoutBytes(layout: TargetLayout): number {
  return LAYOUT_FIXED + RUN * layout.runs.length;
}

/** Writes fields one after the other into a payload of a size known in advance. */
export class Writer {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  private at = 0;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }
  static originFrame(h: OriginHeader, rest: number): Writer {
    const w = new Writer(HEADER + rest);
    w.u32(h.round).u8(h.flags).u32(h.opId);
    return w;
  }
  u8(v: number): this {
    this.view.setUint8(this.at, v);
    this.at += 1;
    return this;
  }
  u16(v: number): this {
    this.view.setUint16(this.at, v, true);
    this.at += 2;
    return this;
  }
  u32(v: number): this {
    this.view.setUint32(this.at, v, true);
    this.at += 4;
    return this;
  }
  f64(v: number): this {
    this.view.setFloat64(this.at, v, true);
    this.at += 8;
    return this;
  }
  data(d: Uint8Array): this {
    this.bytes.set(d, this.at);
    this.at += d.byteLength;
    return this;
  }
  layout(l: TargetLayout): this {
    this.f64(l.base).u32(l.count).f64(l.extent).u16(l.runs.length);
    for (const r of l.runs) this.f64(r.disp).f64(r.len).f64(r.stride).f64(r.n);
    return this;
  }
}

/** Reads the fields a Writer wrote, in the same order. */
export class Reader {
  private readonly view: DataView;
  private readonly bytes: Uint8Array;
  private at = 0;
  constructor(payload: Uint8Array) {
    // a plain Uint8Array, never a Buffer: Buffer.slice() shares memory, and the reduction kernels copy with slice()
    this.bytes = new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength);
    this.view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  }
  originHeader(): OriginHeader {
    return { round: this.u32(), flags: this.u8(), opId: this.u32() };
  }
  u8(): number {
    return this.view.getUint8(this.at++);
  }
  u16(): number {
    const v = this.view.getUint16(this.at, true);
    this.at += 2;
    return v;
  }
  u32(): number {
    const v = this.view.getUint32(this.at, true);
    this.at += 4;
    return v;
  }
  f64(): number {
    const v = this.view.getFloat64(this.at, true);
    this.at += 8;
    return v;
  }
  /** The next `n` bytes (a view), or everything left. */
  data(n = this.bytes.byteLength - this.at): Uint8Array {
    const d = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return d;
  }
  layout(): TargetLayout {
    const base = this.f64();
    const count = this.u32();
    const extent = this.f64();
    const nRuns = this.u16();
    const runs: ByteRun[] = [];
    let perItem = 0;
    for (let i = 0; i < nRuns; i++) {
      const run = { disp: this.f64(), len: this.f64(), stride: this.f64(), n: this.f64() };
      perItem += run.len * run.n;
      runs.push(run);
    }
    return { base, count, extent, runs, bytes: perItem * count };
  }
}

export { HEADER as ORIGIN_HEADER_BYTES };
