// The shared-memory transport within one thread: two ranks' ends of one segment exchange frames in order,
// whole, including frames several times larger than a ring (the writer waits for room, the reader wakes it).
import { describe, expect, it } from "vitest";
import { ShmTransport, createShmSegment } from "../../runtime/transport/shm.ts";
import { encodeFrame, type Frame } from "../../runtime/wire/frame.ts";
import { FrameKind } from "../../runtime/protocol.ts";
import { shmLayout } from "../../runtime/wire/bootstrap.ts";

function endpoints(size: number) {
  const segment = createShmSegment(size);
  const got: { source: number; frame: Frame }[][] = Array.from({ length: size }, () => []);
  const waiters: (() => void)[] = [];
  const ends = Array.from(
    { length: size },
    (_, rank) =>
      new ShmTransport({
        rank,
        segment,
        spinMicros: 0,
        onFrame: (source, frame) => {
          got[rank].push({ source, frame });
          waiters.splice(0).forEach((w) => w());
        },
        onPeerError: (peer, err) => {
          throw new Error(`rank ${rank} from ${peer}: ${err.message}`);
        },
      }),
  );
  const until = async (done: () => boolean) => {
    while (!done()) await new Promise<void>((r) => waiters.push(r));
  };
  return { ends, got, until };
}

function frame(id: number, payload: Uint8Array): Buffer[] {
  return encodeFrame(
    { kind: FrameKind.EAGER, enc: 0, flags: 0, context: 1, tag: 7, id, size: payload.length, sig: 0 },
    payload,
  );
}

describe("shared-memory transport", () => {
  it("delivers frames from several senders in each sender's order, whole", async () => {
    const { ends, got, until } = endpoints(3);
    await Promise.all(ends.map((e) => e.listen()));
    for (let i = 0; i < 200; i++) {
      ends[0].send(2, frame(i, Uint8Array.of(0, i & 255)));
      ends[1].send(2, frame(i, Uint8Array.of(1, i & 255)));
    }
    await until(() => got[2].length === 400);
    for (const source of [0, 1]) {
      const ids = got[2].filter((g) => g.source === source).map((g) => g.frame.id);
      expect(ids).toEqual(Array.from({ length: 200 }, (_, i) => i));
      expect(got[2].filter((g) => g.source === source).every((g) => g.frame.payload[0] === source)).toBe(true);
    }
    await Promise.all(ends.map((e) => e.close()));
  });

  it("passes a frame three times larger than the ring, and a small one queued behind it, byte for byte", async () => {
    const { ends, got, until } = endpoints(2);
    await Promise.all(ends.map((e) => e.listen()));
    const ring = shmLayout(2).ringBytes;
    const big = Uint8Array.from({ length: 3 * ring + 12345 }, (_, i) => (i * 31 + 7) & 255);
    let written = false;
    ends[0].send(1, frame(1, big), () => (written = true));
    ends[0].send(1, frame(2, Uint8Array.of(42)));
    expect(ends[0].queuedBytes(1)).toBeGreaterThan(0); // it cannot all fit before the reader drains
    await until(() => got[1].length === 2);
    expect(written).toBe(true);
    expect(Buffer.compare(Buffer.from(got[1][0].frame.payload), Buffer.from(big))).toBe(0);
    expect([...got[1][1].frame.payload]).toEqual([42]);
    expect(ends[0].queuedBytes(1)).toBe(0);
    await Promise.all(ends.map((e) => e.close()));
  });

  it("keeps the segment within bounds at 64 ranks", () => {
    const { ringBytes, slabBytes, slabsAt, totalBytes } = shmLayout(64);
    expect(ringBytes & (ringBytes - 1)).toBe(0);
    expect(slabBytes).toBe(1 << 20); // the collectives' slabs: 64 MiB in all
    expect(slabsAt % 64).toBe(0);
    expect(totalBytes).toBeLessThanOrEqual((256 << 20) + (64 << 20) + (1 << 20));
  });
});
