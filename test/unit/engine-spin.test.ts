// The engine's spin (Engine.spinWhile): a blocking call that is still pending polls the transport and is
// completed by frames that poll() hands over, before the event loop gets a turn; without poll, or with a
// budget of 0, it returns at once; with nothing arriving it gives up after its budget. A transport that can
// park is parked only once the event loop has turned (no continuation of this rank is left behind the sleep).
import { describe, expect, it } from "vitest";
import { Engine, type Matched } from "../../runtime/comm/engine.ts";
import { encodeFrame, FrameDecoder } from "../../runtime/wire/frame.ts";
import { FrameKind } from "../../runtime/protocol.ts";

/** Rank 1's engine whose frames from rank 0 arrive only when poll() is called (a polled transport). */
function polledEngine(spinMicros: number, park?: (micros: number) => void) {
  const inbox: Buffer[][] = [];
  let polls = 0;
  const engine: Engine = new Engine({
    park,
    rank: 1,
    send: () => {},
    poll: () => {
      polls++;
      const parts = inbox.shift();
      if (!parts) return false;
      new FrameDecoder((f) => engine.onFrame(0, f)).push(Buffer.concat(parts));
      return true;
    },
    spinMicros: () => spinMicros,
  });
  const eager = (tag: number, byte: number) =>
    inbox.push(
      encodeFrame(
        { kind: FrameKind.EAGER, enc: 0, flags: 0, context: 0, tag, id: tag + 1, size: 1, sig: 0 },
        Uint8Array.of(byte),
      ),
    );
  return { engine, eager, polls: () => polls };
}

function recv(engine: Engine, tag: number) {
  let pending = true;
  const promise = new Promise<Matched>((deliver, fail) =>
    engine.postRecv({ source: 0, tag, context: 0, deliver, fail }),
  );
  promise.then(() => (pending = false));
  return { promise, pending: () => pending };
}

describe("engine spin on a polled transport", () => {
  it("completes a pending receive from polled frames before the event loop turns", async () => {
    const { engine, eager } = polledEngine(50_000);
    for (let i = 0; i < 5; i++) eager(i, 10 + i); // arrive in order: tags 0..4
    let eventLoopTurned = false;
    setImmediate(() => (eventLoopTurned = true));
    const r = recv(engine, 4); // the fifth frame: four polls hand over frames that do not match it
    await engine.spinWhile(r.pending);
    expect(r.pending()).toBe(false);
    expect(eventLoopTurned).toBe(false);
    expect((await r.promise).payload[0]).toBe(14);
  });

  it("gives up after its budget when nothing arrives, and does not spin with a budget of 0", async () => {
    const spinning = polledEngine(2_000);
    const r = recv(spinning.engine, 9);
    const t0 = performance.now();
    await spinning.engine.spinWhile(r.pending);
    expect(r.pending()).toBe(true);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(2);
    expect(spinning.polls()).toBeGreaterThan(1);

    const idle = polledEngine(0);
    await idle.engine.spinWhile(recv(idle.engine, 9).pending);
    expect(idle.polls()).toBe(0);
  });

  it("parks only after the event loop turned, so a continuation that sends is not slept through", async () => {
    const parked: { micros: number; turned: boolean; continuationRan: boolean }[] = [];
    let turned = false;
    let continuationRan = false;
    const { engine, eager } = polledEngine(0, (micros) => {
      parked.push({ micros, turned, continuationRan });
      if (parked.length === 2) eager(3, 33); // the second park is woken by a frame
    });
    setImmediate(() => (turned = true));
    // A continuation several microtasks deep, as a collective's next round is after its last receive.
    void Promise.resolve()
      .then(() => null)
      .then(() => null)
      .then(() => null)
      .then(() => (continuationRan = true));
    const r = recv(engine, 3);
    await engine.spinWhile(r.pending);
    expect(r.pending()).toBe(false);
    expect((await r.promise).payload[0]).toBe(33);
    expect(parked.length).toBe(2);
    expect(parked.every((p) => p.turned && p.continuationRan && p.micros > 0)).toBe(true);
  });

  it("parks only once nothing this rank queued for the event loop is left, and one loop serves every blocking call", async () => {
    const parkedAfter: boolean[] = [];
    let chainDone = false;
    const { engine, eager, polls } = polledEngine(0, () => {
      parkedAfter.push(chainDone);
      eager(parkedAfter.length === 1 ? 1 : 2, 40 + parkedAfter.length); // each park is woken by a frame
    });
    // Work queued for later turns, as a window's frames to itself are: three turns deep.
    setImmediate(() => setImmediate(() => setImmediate(() => (chainDone = true))));
    const first = recv(engine, 1);
    const second = recv(engine, 2);
    const loops = [engine.spinWhile(first.pending), engine.spinWhile(second.pending)];
    await Promise.all(loops);
    expect([first.pending(), second.pending()]).toEqual([false, false]);
    expect(parkedAfter).toEqual([true, true]);
    expect(polls()).toBeGreaterThan(0);
  });
});
