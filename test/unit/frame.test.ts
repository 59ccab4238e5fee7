// The frame codec, fed a byte at a time and in random splits; malformed and oversized frames are ERR_PROTOCOL.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { FrameDecoder, HEADER_BYTES, encodeFrame, type Frame, type FrameHeader } from "../../runtime/wire/frame.ts";
import { FrameKind } from "../../runtime/protocol.ts";
import { MpiError } from "../../runtime/errors.ts";

const header = (over: Partial<FrameHeader> = {}): FrameHeader => ({
  kind: FrameKind.EAGER,
  enc: 1,
  flags: 0,
  context: 7,
  tag: 42,
  id: 3,
  size: 0,
  sig: 11,
  ...over,
});

function decodeAll(bytes: Buffer, cuts: number[], max?: number): Frame[] {
  const frames: Frame[] = [];
  const d = new FrameDecoder((f) => frames.push({ ...f, payload: Buffer.from(f.payload) }), max);
  let pos = 0;
  for (const cut of [...cuts, bytes.length]) {
    d.push(bytes.subarray(pos, Math.max(pos, cut)));
    pos = Math.max(pos, cut);
  }
  return frames;
}

describe("frame codec", () => {
  it("round-trips a frame fed one byte at a time", () => {
    const payload = Buffer.from("hello frames");
    const bytes = Buffer.concat(encodeFrame(header({ size: payload.length }), payload));
    const cuts = Array.from({ length: bytes.length }, (_, i) => i);
    const [f] = decodeAll(bytes, cuts);
    expect(f).toMatchObject({ kind: FrameKind.EAGER, enc: 1, context: 7, tag: 42, id: 3, sig: 11 });
    expect(Buffer.from(f.payload).toString()).toBe("hello frames");
  });

  it("keeps every frame and its order under any split of the stream (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 40_000 }), fc.integer({ min: -1, max: 2 ** 30 })), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (messages, rawCuts) => {
          const bytes = Buffer.concat(messages.flatMap(([p, tag]) => encodeFrame(header({ tag, size: p.length }), p)));
          const cuts = rawCuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b);
          const frames = decodeAll(bytes, cuts);
          expect(frames.map((f) => f.tag)).toEqual(messages.map(([, tag]) => tag));
          frames.forEach((f, i) => expect(Buffer.compare(Buffer.from(f.payload), Buffer.from(messages[i][0]))).toBe(0));
        },
      ),
      { seed: 7, numRuns: 200 },
    );
  });

  it("round-trips every header field at its extremes, read in place from the middle of a larger buffer", () => {
    const extremes = [
      header({
        flags: 0xffff,
        context: 2 ** 32 - 1,
        tag: -(2 ** 31),
        id: 2 ** 32 - 1,
        size: 2 ** 32 - 1,
        sig: 2 ** 32 - 1,
      }),
      header({
        kind: FrameKind.CONTROL,
        enc: 255,
        flags: 0x8001,
        context: 0x80000000,
        tag: 2 ** 31 - 1,
        id: 0,
        sig: 0x7fffffff,
      }),
    ];
    for (const h of extremes) {
      const payload = Buffer.from("in place");
      const framed = Buffer.concat(encodeFrame(h, payload));
      const around = Buffer.concat([Buffer.alloc(5, 0xaa), framed, Buffer.alloc(3, 0xbb)]);
      const frames: Frame[] = [];
      new FrameDecoder((f) => frames.push(f), undefined, null, true).pushRange(around, 5, 5 + framed.length);
      expect(frames).toHaveLength(1);
      const { payload: got, owned: _owned, ...fields } = frames[0];
      expect(fields).toEqual(h);
      expect(Buffer.from(got).toString()).toBe("in place");
    }
  });

  it("coalesces small frames into one buffer and keeps large payloads apart (one writev)", () => {
    expect(encodeFrame(header(), Buffer.alloc(100))).toHaveLength(1);
    const parts = encodeFrame(header(), Buffer.alloc(1 << 20));
    expect(parts).toHaveLength(2);
    expect(parts[0].length).toBe(HEADER_BYTES);
  });

  it("rejects an unknown frame kind with ERR_PROTOCOL", () => {
    const bytes = Buffer.concat(encodeFrame(header(), Buffer.alloc(4)));
    bytes[4] = 99;
    expect(() => decodeAll(bytes, [])).toThrowError(MpiError);
    expect(() => decodeAll(bytes, [])).toThrowError(/malformed frame: unknown frame kind 99/);
  });

  it("rejects a frame longer than the limit before allocating it", () => {
    const bytes = Buffer.concat(encodeFrame(header(), Buffer.alloc(1000)));
    expect(() => decodeAll(bytes.subarray(0, HEADER_BYTES), [], 64)).toThrowError(
      /payload of 1000 bytes exceeds the limit of 64 bytes/,
    );
    try {
      decodeAll(bytes, [], 64);
    } catch (err) {
      expect((err as MpiError).code).toBe("ERR_PROTOCOL");
    }
  });

  it("rejects a body length shorter than the header", () => {
    const bytes = Buffer.concat(encodeFrame(header(), Buffer.alloc(0)));
    bytes.writeUInt32LE(3, 0);
    expect(() => decodeAll(bytes, [1, 2, 3])).toThrowError(/body length 3 is shorter than the header/);
  });

  it("knows when it stopped in the middle of a frame (a truncated stream)", () => {
    const bytes = Buffer.concat(encodeFrame(header(), Buffer.alloc(500)));
    const d = new FrameDecoder(() => {});
    d.push(bytes.subarray(0, 200));
    expect(d.idle).toBe(false);
    d.push(bytes.subarray(200));
    expect(d.idle).toBe(true);
  });

  it("copies every payload out of transient chunks (a ring about to be reused), whatever the splits", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 200 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (payloads, rawCuts) => {
          const bytes = Buffer.concat(payloads.flatMap((p, i) => encodeFrame(header({ id: i, size: p.length }), p)));
          const frames: Frame[] = [];
          const d = new FrameDecoder((f) => frames.push(f), undefined, null, true);
          const cuts = [...rawCuts.map((c) => c % (bytes.length + 1)), bytes.length].sort((a, b) => a - b);
          let pos = 0;
          for (const cut of cuts) {
            const chunk = Buffer.from(bytes.subarray(pos, cut)); // the "ring" bytes, overwritten after the push
            d.push(chunk);
            chunk.fill(0xee);
            pos = cut;
          }
          expect(frames.map((f) => Buffer.from(f.payload).toString("hex"))).toEqual(
            payloads.map((p) => Buffer.from(p).toString("hex")),
          );
          expect(frames.every((f) => f.payload.byteLength === 0 || f.owned)).toBe(true);
        },
      ),
      { seed: 19, numRuns: 300 },
    );
  });
});
