// The in-memory transport (runtime/transport/memory.ts) and the one self-delivery helper (link.ts): frames
// arrive whole, in order per (sender, receiver) pair, never inside send, as copies of the sender's bytes,
// also when cut in pieces; onWritten runs; queuedBytes counts what has not arrived yet.
import { describe, expect, it } from "vitest";
import { MemoryNetwork } from "../../runtime/transport/memory.ts";
import { deliverToSelf } from "../../runtime/transport/link.ts";
import { encodeFrame, type Frame } from "../../runtime/wire/frame.ts";
import { FrameKind } from "../../runtime/protocol.ts";

function frame(id: number, payload: Uint8Array): Buffer[] {
  return encodeFrame(
    { kind: FrameKind.EAGER, enc: 0, flags: 0, context: 1, tag: 7, id, size: payload.length, sig: 0 },
    payload,
  );
}

function network(size: number, chunkBytes?: number) {
  const net = new MemoryNetwork(size, { chunkBytes });
  const got: { source: number; frame: Frame }[][] = Array.from({ length: size }, () => []);
  const ends = Array.from({ length: size }, (_, rank) =>
    net.attach(rank, { onFrame: (source, f) => got[rank].push({ source, frame: f }) }),
  );
  return { net, ends, got };
}

describe("in-memory transport", () => {
  for (const chunkBytes of [undefined, 5]) {
    it(`delivers each sender's frames in order, whole${chunkBytes ? ", cut in 5-byte pieces" : ""}`, async () => {
      const { net, ends, got } = network(3, chunkBytes);
      for (let i = 0; i < 50; i++)
        for (const source of [0, 1, 2]) ends[source].send(2, frame(i, Uint8Array.of(source, i)));
      for (const source of [0, 1, 2])
        for (let i = 50; i < 100; i++) ends[source].send(2, frame(i, Uint8Array.of(source, i)));
      expect(got[2]).toEqual([]); // never inside send
      await net.idle();
      for (const source of [0, 1, 2]) {
        const mine = got[2].filter((g) => g.source === source);
        expect(mine.map((g) => g.frame.id)).toEqual(Array.from({ length: 100 }, (_, i) => i));
        expect(mine.every((g, i) => g.frame.payload[0] === source && g.frame.payload[1] === i)).toBe(true);
      }
    });
  }

  it("copies the bytes at send, runs onWritten, and counts queued bytes until delivery", async () => {
    const { net, ends, got } = network(2);
    const payload = Uint8Array.of(1, 2, 3);
    const parts = frame(1, payload);
    let written = false;
    ends[0].send(1, parts, () => (written = true));
    const queued = ends[0].queuedBytes(1);
    expect(queued).toBe(parts.reduce((n, p) => n + p.length, 0));
    for (const p of parts) p.fill(0); // the sender reuses its buffers
    await net.idle();
    expect(written).toBe(true);
    expect([...got[1][0].frame.payload]).toEqual([1, 2, 3]);
    expect(ends[0].queuedBytes(1)).toBe(0);
  });

  it("reports a frame that cannot be decoded to onPeerError, naming the sender", async () => {
    const net = new MemoryNetwork(2);
    const errors: [number, string][] = [];
    const ends = [0, 1].map((rank) =>
      net.attach(rank, { onFrame: () => {}, onPeerError: (peer, err) => errors.push([peer, err.message]) }),
    );
    ends[0].send(1, [Buffer.alloc(28, 0xff)]); // not a frame header
    await net.idle();
    expect(errors.length).toBe(1);
    expect(errors[0][0]).toBe(0);
  });

  it("refuses a destination outside the job and a rank attached twice", () => {
    const { ends, net } = network(2);
    expect(() => ends[0].send(2, frame(1, Uint8Array.of(1)))).toThrow(/rank 0 sent to rank 2, outside 0..1/);
    expect(() => net.attach(1, { onFrame: () => {} })).toThrow(/already attached/);
  });

  it("deliverToSelf: copies at once, decodes on a later microtask in order, then runs onWritten", async () => {
    const seen: number[] = [];
    const a = frame(1, Uint8Array.of(9));
    deliverToSelf(
      a,
      (f) => seen.push(f.payload[0] * 100 + f.id),
      () => seen.push(-1),
    );
    deliverToSelf(frame(2, Uint8Array.of(8)), (f) => seen.push(f.payload[0] * 100 + f.id));
    for (const p of a) p.fill(0);
    expect(seen).toEqual([]);
    await Promise.resolve();
    await Promise.resolve();
    expect(seen).toEqual([901, -1, 802]);
  });
});
