// The engine's spin (Engine.spinWhile): a blocking call that is still pending polls the transport and is
// completed by frames that poll() hands over, before the event loop gets a turn; without poll, or with a
// budget of 0, it returns at once; with nothing arriving it gives up after its budget.
import { describe, expect, it } from "vitest";
import { Engine, type Matched } from "../../runtime/comm/engine.ts";
import { encodeFrame, FrameDecoder } from "../../runtime/wire/frame.ts";
import { FrameKind } from "../../runtime/protocol.ts";

/** Rank 1's engine whose frames from rank 0 arrive only when poll() is called (a polled transport). */
function polledEngine(spinMicros: number) {
  const inbox: Buffer[][] = [];
  let polls = 0;
  const engine: Engine = new Engine({
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
});
