// The socket transport's polling path (runtime/transport/poller.ts): frames read by poll() without the event
// loop and frames the socket's own 'data' events deliver interleave in one stream, in order, none twice,
// none lost; poll() reads nothing while a chunk is being decoded; the spin budget follows the core count.
// Two real Transport instances in this process, over a real Unix socket.
import { afterEach, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { Transport } from "../../runtime/transport/transport.ts";
import { DEFAULT_SPIN_MICROS, spinBudget } from "../../runtime/transport/poller.ts";
import { machineSaturated } from "../../runtime/transport/link.ts";
import { encodeFrame, type Frame } from "../../runtime/wire/frame.ts";
import { FrameKind } from "../../runtime/protocol.ts";

const secret = randomBytes(32);
const dirs: string[] = [];
const open: Transport[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** Ranks 0 and 1 of a two-rank job on one host; rank 0's frames go to `onFrame`. */
async function pair(onFrame: (frame: Frame) => void): Promise<[Transport, Transport]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsmpi-poll-"));
  dirs.push(dir);
  const make = (rank: number) =>
    new Transport({
      rank,
      size: 2,
      secret,
      hostId: "h",
      kind: "unix",
      socketDir: path.join(dir, "s"),
      tcpBind: "127.0.0.1",
      onFrame: (_source, f) => (rank === 0 ? onFrame(f) : undefined),
      onPeerError: () => {},
      onStranger: () => {},
    });
  const t = [make(0), make(1)];
  open.push(...t);
  const addresses = [await t[0].listen(), await t[1].listen()];
  const peers = addresses.map((a, rank) => ({ ...a, rank, hostId: "h", hostname: "localhost", pid: process.pid }));
  for (const x of t) x.setPeers(peers);
  return [t[0], t[1]];
}

/** Frame number `i` of a deterministic stream: sizes from 0 B to 200 KiB, content derived from `i`. */
function frameNumber(i: number): Buffer[] {
  const size = [0, 8, 100, 4096, 70_000, 200_000][i % 6] + (i % 13);
  const payload = Buffer.alloc(size, i & 255);
  return encodeFrame({ kind: FrameKind.CONTROL, enc: 0, flags: 0, context: 3, tag: 0, id: i, size, sig: 0 }, payload);
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("socket transport polling", () => {
  it("hands a frame that has arrived to onFrame from poll(), without the event loop", async () => {
    const got: number[] = [];
    const [receiver, sender] = await pair((f) => got.push(f.id));
    sender.send(0, frameNumber(0));
    while (got.length < 1) await nextTurn(); // the connection and its handshake need the event loop
    expect(receiver.poll()).toBe(false);
    sender.send(0, frameNumber(1)); // written to the kernel at once: the link is open and idle
    let polled = false;
    for (let spins = 0; spins < 1_000_000 && !polled; spins++) polled = receiver.poll();
    expect(polled).toBe(true);
    expect(got).toEqual([0, 1]);
  });

  it("keeps every frame, in order, once, when poll() and the socket's events share the stream (2000 frames)", async () => {
    const got: Frame[] = [];
    let polling = false;
    let byPoll = 0;
    const [receiver, sender] = await pair((f) => {
      if (polling) byPoll++;
      got.push({ ...f, payload: Buffer.from(f.payload) });
    });
    const total = 2000;
    for (let i = 0; i < total; i++) sender.send(0, frameNumber(i));
    for (let turn = 0; got.length < total && turn < 100_000; turn++) {
      polling = true;
      if (turn % 3 !== 0) for (let spins = 0; spins < 50; spins++) receiver.poll(); // every third turn: events only
      polling = false;
      await nextTurn(); // lets the sender write more, and the socket deliver some frames itself
    }
    expect(got.map((f) => f.id)).toEqual(Array.from({ length: total }, (_, i) => i));
    for (const f of got) {
      expect(f.payload.byteLength).toBe([0, 8, 100, 4096, 70_000, 200_000][f.id % 6] + (f.id % 13));
      expect(f.payload.every((b) => b === (f.id & 255))).toBe(true);
    }
    expect(byPoll).toBeGreaterThan(0);
    expect(byPoll).toBeLessThan(total);
  });

  it("reads nothing from inside a frame handler (the chunk being decoded would be split)", async () => {
    const got: number[] = [];
    let inner: boolean | null = null;
    const [r2, s2] = await pair((f) => {
      got.push(f.id);
      if (f.id === 2) inner = r2.poll();
    });
    s2.send(0, frameNumber(0));
    s2.send(0, frameNumber(2));
    s2.send(0, frameNumber(8));
    while (got.length < 3) {
      r2.poll();
      await nextTurn();
    }
    expect(inner).toBe(false);
    expect(got).toEqual([0, 2, 8]);
  });
});

describe("spin budget", () => {
  it("spins when the host's ranks have cores of their own on an idle machine, never when they outnumber them", () => {
    expect(spinBudget(2, {}, 2, 0.3)).toBe(DEFAULT_SPIN_MICROS);
    expect(spinBudget(3, {}, 2, 0.3)).toBe(0);
    expect(spinBudget(2, {}, 2, 5)).toBe(0); // a machine saturated with other work
    expect(spinBudget(2, {}, 2, 3)).toBe(DEFAULT_SPIN_MICROS); // busy, but the job's own spinning counts in the load
    expect([machineSaturated(2, 3.9), machineSaturated(2, 4)]).toEqual([false, true]); // the one rule shm uses too
    expect(spinBudget(8, { TSMPI_SPIN_US: "50" }, 2, 5)).toBe(50);
    expect(spinBudget(1, { TSMPI_SPIN_US: "0" }, 8, 0)).toBe(0);
    expect(spinBudget(1, { TSMPI_SPIN_US: "lots" }, 8, 0)).toBe(DEFAULT_SPIN_MICROS);
  });
});
