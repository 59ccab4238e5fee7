// The point-to-point engine (runtime/comm/engine.ts) over the in-memory transport, without processes:
// matching order (non-overtaking per sender, across the eager and rendezvous protocols), ANY_SOURCE and
// ANY_TAG, the unexpected queue and contexts, credit flow control (a sender ahead of its receiver is held
// at CREDIT_WINDOW), rendezvous above EAGER_LIMIT, synchronous-mode completion, and a rank sending to itself.
// Each assertion about "not yet complete" is made once the network is idle, so it cannot pass by timing.
import { describe, expect, it } from "vitest";
import type { Engine, Matched } from "../../runtime/comm/engine.ts";
import { ANY_SOURCE, ANY_TAG } from "../../runtime/constants.ts";
import { CREDIT_WINDOW, EAGER_LIMIT, ENVELOPE_COST } from "../../runtime/comm/limits.ts";
import { FrameKind } from "../../runtime/protocol.ts";
import { engineJob } from "../harness/memory-job.ts";

const CONTEXT = 0;

function send(
  engine: Engine,
  dest: number,
  tag: number,
  payload: Uint8Array,
  opts: { sync?: boolean; context?: number } = {},
) {
  return engine.send({
    dest,
    tag,
    payload,
    context: opts.context ?? CONTEXT,
    enc: 0,
    sig: 0,
    sync: opts.sync ?? false,
  });
}

function recv(engine: Engine, source: number, tag: number, context = CONTEXT): Promise<Matched> {
  return new Promise((deliver, fail) => engine.postRecv({ source, tag, context, deliver, fail }));
}

/** A promise and whether it has settled (checked only once the network is idle). */
function watch<T>(p: Promise<T>): { done: () => boolean; promise: Promise<T> } {
  let settled = false;
  const promise = p.finally(() => (settled = true));
  return { done: () => settled, promise };
}

/** A payload whose bytes say which message it is. */
function bytes(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (seed * 131 + i * 7) & 255);
}

describe("point-to-point engine over the in-memory transport", () => {
  it("matches one sender's messages in the order sent, eager and rendezvous interleaved (non-overtaking)", async () => {
    const { engines, network } = engineJob(2);
    const sizes = Array.from({ length: 24 }, (_, i) => (i % 3 === 2 ? EAGER_LIMIT + 1 + i : i * 10));
    const sends = sizes.map((n, i) => send(engines[0], 1, 5, bytes(n, i)));
    await network.idle(); // every envelope is now in rank 1's unexpected queue, in order
    const got = [];
    for (let i = 0; i < sizes.length; i++) got.push(await recv(engines[1], 0, ANY_TAG));
    await Promise.all(sends);
    expect(got.map((m) => m.size)).toEqual(sizes);
    got.forEach((m, i) => expect(Buffer.compare(Buffer.from(m.payload), Buffer.from(bytes(sizes[i], i)))).toBe(0));
  });

  it("keeps each sender's order under ANY_SOURCE, with receives posted before the messages arrive", async () => {
    const { engines } = engineJob(4);
    const receives = Array.from({ length: 60 }, () => recv(engines[3], ANY_SOURCE, ANY_TAG));
    for (let i = 0; i < 20; i++) for (const s of [0, 1, 2]) void send(engines[s], 3, 100 + i, Uint8Array.of(s, i));
    const got = await Promise.all(receives);
    for (const s of [0, 1, 2]) {
      const fromS = got.filter((m) => m.source === s);
      expect(fromS.map((m) => m.tag)).toEqual(Array.from({ length: 20 }, (_, i) => 100 + i));
      expect(fromS.every((m) => m.payload[0] === s)).toBe(true);
    }
  });

  it("selects by tag and source, leaving earlier non-matching messages queued, and ANY_TAG takes the oldest", async () => {
    const { engines, network } = engineJob(3);
    void send(engines[0], 2, 1, Uint8Array.of(10));
    void send(engines[0], 2, 2, Uint8Array.of(20));
    void send(engines[1], 2, 1, Uint8Array.of(11));
    await network.idle();
    expect((await recv(engines[2], ANY_SOURCE, 2)).payload[0]).toBe(20);
    expect((await recv(engines[2], 1, ANY_TAG)).payload[0]).toBe(11);
    expect(engines[2].iprobe(ANY_SOURCE, ANY_TAG, CONTEXT)).toMatchObject({ source: 0, tag: 1 });
    expect((await recv(engines[2], ANY_SOURCE, ANY_TAG)).payload[0]).toBe(10);
    expect(engines[2].unreceived()).toEqual([]);
  });

  it("matches posted receives in the order posted, and never across contexts", async () => {
    const { engines, network } = engineJob(2);
    const first = recv(engines[1], ANY_SOURCE, ANY_TAG);
    const second = recv(engines[1], 0, ANY_TAG);
    const otherContext = watch(recv(engines[1], 0, ANY_TAG, 7));
    void send(engines[0], 1, 3, Uint8Array.of(1));
    void send(engines[0], 1, 3, Uint8Array.of(2));
    expect([(await first).payload[0], (await second).payload[0]]).toEqual([1, 2]);
    await network.idle();
    expect(otherContext.done()).toBe(false);
    void send(engines[0], 1, 9, Uint8Array.of(3), { context: 7 });
    expect((await otherContext.promise).payload[0]).toBe(3);
  });

  it("holds a sender that is CREDIT_WINDOW ahead of its receiver, and releases it as the receiver matches", async () => {
    const { engines, network, arrivals } = engineJob(2);
    const cost = EAGER_LIMIT + ENVELOPE_COST;
    const fit = Math.floor(CREDIT_WINDOW / cost);
    const total = fit + 40;
    const payload = bytes(EAGER_LIMIT, 3); // the largest eager message
    const sends = Array.from({ length: total }, () => watch(send(engines[0], 1, 0, payload)));
    await network.idle();
    expect(engines[1].unreceived().length).toBe(fit);
    expect(sends.filter((s) => s.done()).length).toBe(fit);
    expect(engines[0].pendingSends()).toBe(total - fit);
    for (let i = 0; i < total; i++) expect((await recv(engines[1], 0, 0)).size).toBe(EAGER_LIMIT);
    await Promise.all(sends.map((s) => s.promise));
    expect(engines[0].pendingSends()).toBe(0);
    expect(arrivals[0].some((a) => a.kind === FrameKind.CREDIT && a.source === 1)).toBe(true);
  });

  it("sends above EAGER_LIMIT by rendezvous: RTS, then DATA only once the receive is posted", async () => {
    const { engines, network, arrivals } = engineJob(2, { chunkBytes: 4093 });
    const big = bytes(EAGER_LIMIT * 3 + 17, 9);
    const sent = watch(send(engines[0], 1, 4, big));
    await network.idle();
    expect(sent.done()).toBe(false);
    expect(arrivals[1].map((a) => a.kind)).toEqual([FrameKind.RTS]);
    const got = await recv(engines[1], 0, 4);
    await sent.promise;
    expect(arrivals[0].map((a) => a.kind)).toEqual([FrameKind.CTS]);
    expect(arrivals[1].map((a) => a.kind)).toEqual([FrameKind.RTS, FrameKind.DATA]);
    expect(Buffer.compare(Buffer.from(got.payload), Buffer.from(big))).toBe(0);
  });

  it("completes a synchronous send only once it is matched, a standard eager send without a receiver", async () => {
    const { engines, network } = engineJob(2);
    const standard = watch(send(engines[0], 1, 1, Uint8Array.of(1)));
    const synchronous = watch(send(engines[0], 1, 2, Uint8Array.of(2), { sync: true }));
    await network.idle();
    expect(standard.done()).toBe(true);
    expect(synchronous.done()).toBe(false);
    expect((await recv(engines[1], 0, 2)).payload[0]).toBe(2);
    await synchronous.promise;
    expect((await recv(engines[1], 0, 1)).payload[0]).toBe(1);
  });

  it("delivers a rank's messages to itself, eager and rendezvous, in order and never inside send", async () => {
    const { engines } = engineJob(1);
    const small = bytes(5, 1);
    const big = bytes(EAGER_LIMIT + 100, 2);
    const sends = [send(engines[0], 0, 1, small), send(engines[0], 0, 1, big)];
    expect(engines[0].iprobe(0, ANY_TAG, CONTEXT)).toBeNull(); // asynchronous, as a socket would be
    const first = await recv(engines[0], 0, 1);
    const second = await recv(engines[0], 0, 1);
    await Promise.all(sends);
    expect([...first.payload]).toEqual([...small]);
    expect(Buffer.compare(Buffer.from(second.payload), Buffer.from(big))).toBe(0);
  });

  it("wakes a probe when a matching message arrives and leaves the message to be received", async () => {
    const { engines } = engineJob(2);
    const probed = engines[1].probe(0, 6, CONTEXT);
    void send(engines[0], 1, 5, Uint8Array.of(5));
    void send(engines[0], 1, 6, Uint8Array.of(6));
    expect(await probed).toMatchObject({ source: 0, tag: 6, size: 1 });
    expect((await recv(engines[1], 0, 6)).payload[0]).toBe(6);
    expect(engines[1].unreceived().map((m) => m.tag)).toEqual([5]);
  });
});
