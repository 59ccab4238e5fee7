// Several slots per host under --transport shm (runtime/transport/hybrid.ts), in one thread: four ranks on two
// "hosts" (ranks 0 and 2 share one segment, 1 and 3 another, as --map-by node places them), the network
// between hosts an in-memory one. Frames to a rank of the same host go through its segment, frames to the
// other host through the network, each pair's frames in order and whole; and the shared-memory collectives
// run only on a communicator whose members all share one segment.
import { describe, expect, it } from "vitest";
import { HybridTransport } from "../../runtime/transport/hybrid.ts";
import { ShmTransport, createShmSegment } from "../../runtime/transport/shm.ts";
import { MemoryNetwork } from "../../runtime/transport/memory.ts";
import type { RankTransport } from "../../runtime/transport/link.ts";
import { encodeFrame, type Frame } from "../../runtime/wire/frame.ts";
import { FrameKind } from "../../runtime/protocol.ts";
import type { PeerAddress } from "../../runtime/wire/bootstrap.ts";
import * as mpi from "../../runtime/index.ts";
import { commJob, onEveryRank } from "../harness/memory-job.ts";

const HOST_OF = [0, 1, 0, 1];
const RANKS_OF_HOST = [
  [0, 2],
  [1, 3],
];

/** A network end that records every frame handed to it (sender, receiver). */
class Recorded implements RankTransport {
  constructor(
    private readonly inner: RankTransport,
    private readonly rank: number,
    private readonly log: [number, number][],
  ) {}
  listen = () => this.inner.listen();
  setPeers = (peers: PeerAddress[]) => this.inner.setPeers(peers);
  send(dest: number, parts: Buffer[], onWritten?: () => void) {
    this.log.push([this.rank, dest]);
    this.inner.send(dest, parts, onWritten);
  }
  queuedBytes = (dest: number) => this.inner.queuedBytes(dest);
  hasIncomingFrom = (peer: number) => this.inner.hasIncomingFrom(peer);
  close = () => this.inner.close();
}

function twoHosts() {
  const network = new MemoryNetwork(4);
  const segments = RANKS_OF_HOST.map((ranks) => createShmSegment(ranks.length));
  const got: { source: number; frame: Frame }[][] = [[], [], [], []];
  const overNetwork: [number, number][] = [];
  let waiters: (() => void)[] = [];
  const ends = [0, 1, 2, 3].map((rank) => {
    const handlers = {
      onFrame: (source: number, frame: Frame) => {
        got[rank].push({ source, frame });
        const ready = waiters;
        waiters = [];
        ready.forEach((w) => w());
      },
      onPeerError: (peer: number, err: Error) => {
        throw new Error(`rank ${rank} from ${peer}: ${err.message}`);
      },
    };
    const ranks = RANKS_OF_HOST[HOST_OF[rank]];
    const local = new ShmTransport({
      rank: ranks.indexOf(rank),
      segment: segments[HOST_OF[rank]],
      spinMicros: 0,
      ...HybridTransport.translating(ranks, handlers),
    });
    const remote = new Recorded(network.attach(rank, handlers), rank, overNetwork);
    return new HybridTransport(4, ranks, local, remote);
  });
  const until = async (done: () => boolean) => {
    while (!done()) await new Promise<void>((r) => waiters.push(r));
  };
  return { ends, got, overNetwork, until };
}

function frame(id: number, payload: Uint8Array): Buffer[] {
  return encodeFrame(
    { kind: FrameKind.EAGER, enc: 0, flags: 0, context: 1, tag: 7, id, size: payload.length, sig: 0 },
    payload,
  );
}

/** From each rank, a frame of 3 MiB: three times a ring, so the writer waits for the reader. */
const bigFrom = [0, 1, 2, 3].map((from) => {
  const bytes = new Uint8Array(3 << 20);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 13 + from) & 255;
  return bytes;
});
const big = (from: number) => bigFrom[from];

describe("hybrid transport: shared memory within a host, the network between hosts", () => {
  it("delivers every pair's frames in order and whole, over the segment within a host and the network across", async () => {
    const { ends, got, overNetwork, until } = twoHosts();
    await Promise.all(ends.map((e) => e.listen()));
    for (let i = 0; i < 100; i++)
      for (let from = 0; from < 4; from++)
        for (let to = 0; to < 4; to++) ends[from].send(to, frame(i, Uint8Array.of(from, to, i)));
    for (let from = 0; from < 4; from++) for (let to = 0; to < 4; to++) ends[from].send(to, frame(100, big(from))); // 3 rings' worth
    await until(() => got.every((g) => g.length === 4 * 101));
    for (let to = 0; to < 4; to++) {
      for (let from = 0; from < 4; from++) {
        const frames = got[to].filter((g) => g.source === from).map((g) => g.frame);
        expect(frames.map((f) => f.id)).toEqual(Array.from({ length: 101 }, (_, i) => i));
        expect(
          frames.slice(0, 100).every((f, i) => f.payload[0] === from && f.payload[1] === to && f.payload[2] === i),
        ).toBe(true);
        expect(Buffer.compare(frames[100].payload, big(from))).toBe(0);
      }
    }
    // Only frames between hosts touched the network: 101 per ordered pair of ranks on different hosts.
    const pairs = new Map<string, number>();
    for (const [from, to] of overNetwork) pairs.set(`${from}>${to}`, (pairs.get(`${from}>${to}`) ?? 0) + 1);
    expect(Object.fromEntries(pairs)).toEqual({
      "0>1": 101,
      "0>3": 101,
      "1>0": 101,
      "1>2": 101,
      "2>1": 101,
      "2>3": 101,
      "3>0": 101,
      "3>2": 101,
    });
    await Promise.all(ends.map((e) => e.close()));
  });

  it("routes queuedBytes and poll to the path of each peer", async () => {
    const { ends, got } = twoHosts();
    await Promise.all(ends.map((e) => e.listen()));
    ends[0].send(1, frame(1, Uint8Array.of(1))); // other host: waits in the network until the event loop turns
    expect(ends[0].queuedBytes(1)).toBeGreaterThan(0);
    expect(ends[0].queuedBytes(2)).toBe(0);
    ends[0].send(2, frame(2, Uint8Array.of(2))); // same host: in rank 2's ring at once
    expect(ends[2].hasIncomingFrom(0)).toBe(true);
    expect(ends[2].poll()).toBe(true); // handed over without the event loop
    expect(got[2].map((g) => [g.source, g.frame.id])).toEqual([[0, 2]]);
    expect(ends[2].hasIncomingFrom(0)).toBe(false);
    await Promise.all(ends.map((e) => e.close()));
  });
});

describe("hybrid transport: polling", () => {
  it("polls the segment on every call and the network at most once per 20 µs", () => {
    const polls = { local: 0, remote: 0 };
    const stub = (side: "local" | "remote"): RankTransport => ({
      listen: async () => ({}),
      setPeers: () => {},
      send: () => {},
      queuedBytes: () => 0,
      hasIncomingFrom: () => false,
      poll: () => {
        polls[side]++;
        return false;
      },
      close: async () => {},
    });
    const hybrid = new HybridTransport(4, [0, 2], stub("local"), stub("remote"));
    const start = performance.now();
    for (let i = 0; i < 20_000; i++) hybrid.poll();
    const elapsedMs = performance.now() - start;
    expect(polls.local).toBe(20_000);
    expect(polls.remote).toBeGreaterThanOrEqual(1);
    expect(polls.remote).toBeLessThanOrEqual(Math.floor(elapsedMs / 0.02) + 1);
  });
});

describe("shared-memory collectives with ranks on two hosts", () => {
  const n = 40_000; // 320 KB of doubles: above the size from which the table picks the slabs
  /** Ranks 0, 2 share slabs, 1, 3 theirs (64 KiB each: the data goes in chunks); another host's slab is null. */
  function job() {
    const slabs = [0, 1, 2, 3].map(() => new Uint8Array(64 << 10));
    const { comms } = commJob(4, {}, (rank) => ({
      sharedSlab: (w: number) => (HOST_OF[w] === HOST_OF[rank] ? slabs[w] : null),
    }));
    return { comms, slabs, touched: () => slabs.map((s) => s.some((b) => b !== 0)) };
  }

  it("run over the network on a communicator spanning hosts, and through the slabs on one host's ranks", async () => {
    const { comms, touched } = job();
    const world = await onEveryRank(comms, async (comm, rank) => {
      const sum = new Float64Array(n);
      await comm.allreduceInto(mpi.buf(Float64Array.from({ length: n }, (_, i) => i + rank)), mpi.buf(sum), mpi.SUM);
      const b = Float64Array.from({ length: n }, (_, i) => (rank === 3 ? i * 2 : -1));
      await comm.bcastInto(mpi.buf(b), 3);
      return sum.every((x, i) => x === 4 * i + 6) && b.every((x, i) => x === i * 2);
    });
    expect(world).toEqual([true, true, true, true]);
    expect(touched()).toEqual([false, false, false, false]); // no slab was used across hosts
    const host = await onEveryRank(comms, async (comm, rank) => {
      const local = (await comm.split(HOST_OF[rank], rank))!;
      const sum = new Float64Array(n);
      await local.allreduceInto(
        mpi.buf(Float64Array.from({ length: n }, (_, i) => i * (rank + 1))),
        mpi.buf(sum),
        mpi.SUM,
      );
      const factor = RANKS_OF_HOST[HOST_OF[rank]].reduce((s, r) => s + r + 1, 0);
      return sum.every((x, i) => x === i * factor);
    });
    expect(host).toEqual([true, true, true, true]);
    expect(touched()).toEqual([true, true, true, true]); // each host's ranks went through their slabs
  });
});
