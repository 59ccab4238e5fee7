// The receive-buffer pool: large payloads are assembled in buffers lent by the pool, a buffer comes back
// only when its consumer copied it out (receive into a buffer), never when the user keeps it as a value,
// never twice, and the pool stays within its byte budget. The decoder fed byte by byte still yields the bytes.
import { describe, expect, it } from "vitest";
import { FrameDecoder, encodeFrame, type Frame } from "../../runtime/wire/frame.ts";
import { FrameKind, Encoding } from "../../runtime/protocol.ts";
import { ReceivePool, POOL_MIN_BYTES } from "../../runtime/wire/pool.ts";
import { intoSpec, fromPayload } from "../../runtime/comm/payload.ts";
import * as mpi from "../../runtime/index.ts";
import { wireSignature } from "../../runtime/datatype/index.ts";

const BIG = POOL_MIN_BYTES * 2;

function frameBytes(payload: Uint8Array, id = 1): Buffer {
  return Buffer.concat(
    encodeFrame(
      { kind: FrameKind.DATA, enc: Encoding.BYTES, flags: 0, context: 0, tag: 0, id, size: payload.byteLength, sig: 0 },
      payload,
    ),
  );
}

/** Feeds `bytes` in chunks of `step` bytes; returns the frames decoded. */
function decode(pool: ReceivePool, bytes: Buffer, step: number): Frame[] {
  const frames: Frame[] = [];
  const d = new FrameDecoder((f) => frames.push(f), undefined, pool);
  for (let pos = 0; pos < bytes.length; pos += step) d.push(bytes.subarray(pos, pos + step));
  return frames;
}

const pattern = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255);

describe("receive pool", () => {
  it("lends a large payload's buffer, exactly the payload's size, and takes it back once recycled", () => {
    const pool = new ReceivePool();
    const [f] = decode(pool, frameBytes(pattern(BIG, 1)), 4096);
    expect(f.owned).toBe(true);
    expect(f.payload.byteLength).toBe(BIG);
    expect(f.payload.buffer.byteLength).toBe(BIG);
    expect(pool.owns(f.payload)).toBe(true);
    pool.recycle(f.payload);
    expect(pool.idleBytes).toBe(BIG);
    const [g] = decode(pool, frameBytes(pattern(BIG, 2)), 4096);
    expect(g.payload.buffer).toBe(f.payload.buffer);
    expect(Buffer.from(g.payload).equals(Buffer.from(pattern(BIG, 2)))).toBe(true);
    expect(pool.reused).toBe(1);
  });

  it("decodes a pooled payload fed one byte at a time, twice over the same buffer", () => {
    const pool = new ReceivePool();
    const first = decode(pool, frameBytes(pattern(BIG, 3)), 1)[0];
    expect(Buffer.from(first.payload).equals(Buffer.from(pattern(BIG, 3)))).toBe(true);
    pool.recycle(first.payload);
    const second = decode(pool, frameBytes(pattern(BIG, 4)), 1)[0];
    expect(second.payload.buffer).toBe(first.payload.buffer);
    expect(Buffer.from(second.payload).equals(Buffer.from(pattern(BIG, 4)))).toBe(true);
  });

  it("never takes back a buffer twice, nor one it did not lend, nor a view of part of one", () => {
    const pool = new ReceivePool();
    const [f] = decode(pool, frameBytes(pattern(BIG, 5)), 65536);
    pool.recycle(f.payload.subarray(1));
    expect(pool.idleBytes).toBe(0);
    pool.recycle(new Uint8Array(BIG));
    expect(pool.idleBytes).toBe(0);
    pool.recycle(f.payload);
    pool.recycle(f.payload);
    expect(pool.idleBytes).toBe(BIG);
    const a = pool.take(BIG);
    const b = pool.take(BIG);
    expect(a.buffer).not.toBe(b.buffer);
  });

  it("stays within its byte budget, dropping the oldest buffers", () => {
    const pool = new ReceivePool(3 * BIG);
    const lent = Array.from({ length: 5 }, () => pool.take(BIG));
    for (const b of lent) pool.recycle(b);
    expect(pool.idleBytes).toBe(3 * BIG);
    const again = new Set([pool.take(BIG).buffer, pool.take(BIG).buffer, pool.take(BIG).buffer]);
    expect(again).toEqual(new Set(lent.slice(2).map((b) => b.buffer)));
    expect(pool.reused).toBe(3);
  });

  it("does not pool small payloads (they arrive within one socket chunk or cost little)", () => {
    const pool = new ReceivePool();
    const [f] = decode(pool, frameBytes(pattern(1000, 6)), 7);
    expect(pool.owns(f.payload)).toBe(false);
  });

  it("a receive into a buffer gives the payload back; a payload received as a value is kept by the user", () => {
    // intoSpec recycles into the process's pool: check through a decoder lending from that pool.
    const frames: Frame[] = [];
    const d = new FrameDecoder((f) => frames.push(f));
    d.push(frameBytes(pattern(BIG, 7)).subarray(0, 100));
    d.push(frameBytes(pattern(BIG, 7)).subarray(100));
    const m = {
      source: 0,
      tag: 0,
      enc: Encoding.BYTES,
      sig: wireSignature(mpi.UINT8),
      size: BIG,
      payload: frames[0].payload,
      owned: true,
    };
    const asValue = fromPayload(m) as Uint8Array;
    expect(asValue.buffer).toBe(frames[0].payload.buffer); // zero-copy: the user now holds this buffer
    const target = new Uint8Array(BIG);
    const d2 = new FrameDecoder((f) => frames.push(f));
    d2.push(frameBytes(pattern(BIG, 8)).subarray(0, 100));
    d2.push(frameBytes(pattern(BIG, 8)).subarray(100));
    intoSpec({ ...m, payload: frames[1].payload }, mpi.buf(target, mpi.UINT8), "recv");
    expect(Buffer.from(target).equals(Buffer.from(pattern(BIG, 8)))).toBe(true);
    const d3 = new FrameDecoder((f) => frames.push(f));
    d3.push(frameBytes(pattern(BIG, 9)).subarray(0, 100));
    d3.push(frameBytes(pattern(BIG, 9)).subarray(100));
    expect(frames[2].payload.buffer).toBe(frames[1].payload.buffer); // reused after the copy
    expect(frames[2].payload.buffer).not.toBe(asValue.buffer); // the value's buffer is never lent again
    expect(Buffer.from(asValue).equals(Buffer.from(pattern(BIG, 7)))).toBe(true);
  });
});
