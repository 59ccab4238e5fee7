// The trace view's pure parts on hand-made traces: Lamport times (one integer position per event, a
// receive after its send, also across a torn file), blocked bars (open when no unblock came, collectives
// recognised), time zero at the first rank's init, where the time went (blocked until the matching send
// started, communicating after), the bytes matrix, the wait-for graph read back from tsrun's .dot, the
// tag-mismatch clause of the deadlock report, and the drawing's label placer (no two boxes intersect).
import { describe, expect, it } from "vitest";
import { buildModel, type TraceEvent } from "../../launcher/view/trace.ts";
import { blockedBars, bytesMatrix, lamportTimes, startUp, timeShares } from "../../launcher/view/analysis.ts";
import { parseWaitFor } from "../../launcher/view/waitgraph.ts";
import { loadDrawing } from "../../launcher/view/scripts.ts";
import { deadlockDot, mismatches } from "../../launcher/diagnostics/describe.ts";
import { findDeadlock, type PolledState } from "../../launcher/diagnostics/deadlock.ts";

const ev = (rank: number, kind: string, time: number, fields: Partial<TraceEvent> = {}): TraceEvent => ({
  rank,
  kind,
  time,
  clock: [],
  ...fields,
});

/** Rank 0 sends at 10 ms; rank 1 blocks in recv at 2 ms and gets the message at 12 ms; rank 1 then blocks forever. */
function exchange() {
  return buildModel({ np: 2 }, [
    [
      ev(0, "init", 0),
      ev(0, "ready", 1),
      ev(0, "send", 10, { peer: 1, tag: 0, size: 8, msg: "0:1", ctx: 0 }),
      ev(0, "end", 20),
    ],
    [
      ev(1, "init", 0.5),
      ev(1, "ready", 1.5),
      ev(1, "block", 2, { id: 1, call: "recv(source=0, tag=0)", site: "p.ts:5:3" }),
      ev(1, "recv", 12, { peer: 0, tag: 0, size: 8, msg: "0:1", ctx: 0 }),
      ev(1, "unblock", 12.5, { id: 1 }),
      ev(1, "block", 14, { id: 2, call: "recv(source=0, tag=1)", site: "p.ts:6:3" }),
      ev(1, "end", 21),
    ],
  ]);
}

describe("trace view analysis", () => {
  it("numbers each event once with its Lamport time, a receive after its send", () => {
    const m = exchange();
    const l = lamportTimes(m);
    expect(m.events[0].map((e) => l.get(e))).toEqual([1, 2, 3, 4]);
    expect(m.events[1].map((e) => l.get(e))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const torn = buildModel({ np: 1 }, [[ev(0, "init", 0), ev(0, "recv", 1, { msg: "9:9" })]]);
    expect(torn.events[0].map((e) => lamportTimes(torn).get(e))).toEqual([1, 2]);
  });

  it("finds blocked bars, the open one kept to the end, and time zero at the first init", () => {
    const m = exchange();
    const bars = blockedBars(m);
    expect(bars.map((b) => [b.call, b.site, b.begin.time, b.end?.time])).toEqual([
      ["recv(source=0, tag=0)", "p.ts:5:3", 2, 12.5],
      ["recv(source=0, tag=1)", "p.ts:6:3", 14, undefined],
    ]);
    expect(startUp(m)).toEqual({ origin: 1, first: 0 });
    const coll = buildModel({ np: 1 }, [
      [
        ev(0, "coll-enter", 1, { name: "barrier", ctx: 1, seq: 1 }),
        ev(0, "block", 1.1, { id: 1, call: "barrier()" }),
        ev(0, "coll-exit", 2, { name: "barrier", ctx: 1, seq: 1 }),
        ev(0, "unblock", 2.1, { id: 1 }),
      ],
    ]);
    expect(blockedBars(coll)[0].collective).toBe("1:1");
  });

  it("splits each rank's time into computing, communicating and blocked", () => {
    const m = exchange();
    const [r0, r1] = timeShares(m, blockedBars(m), 1);
    expect(r0).toEqual({ rank: 0, compute: 19, communication: 0, blocked: 0 });
    // rank 1: blocked 2→10 (the send started at 10), communicating 10→12.5, blocked 14→21 (never ended)
    expect(r1.blocked).toBeCloseTo(8 + 7, 6);
    expect(r1.communication).toBeCloseTo(2.5, 6);
    expect(r1.compute).toBeCloseTo(20 - 17.5, 6);
    expect(bytesMatrix(m)).toEqual([
      [0, 8],
      [0, 0],
    ]);
  });
});

describe("wait-for graph and tag mismatches", () => {
  const blocked = (rank: number, source: number, tag: number) => ({
    id: rank + 1,
    call: `recv(source=${source}, tag=${tag})`,
    waitsFor: [source],
    since: 0,
    site: `/home/me/ring.ts:${rank ? 15 : 12}:18`,
  });
  const polls = new Map<number, PolledState>([
    [0, { blocked: [blocked(0, 1, 2)], sentTo: [0, 1], recvFrom: [0, 0], sendSites: [[1, 0, 1, "ring.ts:11:14"]] }],
    [
      1,
      {
        blocked: [blocked(1, 0, 2)],
        sentTo: [0, 0],
        recvFrom: [1, 0],
        unmatched: [{ source: 0, tag: 1, ctx: 0, comm: "COMM_WORLD", size: 1 }],
      },
    ],
  ]);
  const d = findDeadlock({
    np: 2,
    prev: polls,
    cur: polls,
    exited: new Set(),
    inFinalize: new Set(),
    lastSentTo: new Map(),
  })!;

  it("names the waiting message, its tag and the line that sent it", () => {
    expect(mismatches(d).map((m) => m.text)).toEqual([
      "rank 1 waits in recv(source=0, tag=2) at /home/me/ring.ts:15:18; an unmatched message from rank 0 with tag 1 (sent at ring.ts:11:14) is waiting at rank 1: tag mismatch?",
    ]);
  });

  it("reads tsrun's .dot back: ranks with their calls and file:line, the cycle's edges", () => {
    const ctx = { exits: new Map(), inFinalize: new Set<number>(), collectiveLags: [] };
    const g = parseWaitFor(deadlockDot(d, ctx), "tsrun: deadlock: …\n  hint: use the same tag");
    expect(g.nodes).toEqual([
      { rank: 0, lines: ["rank 0", "recv(source=1, tag=2)", "ring.ts:12"], dashed: false },
      { rank: 1, lines: ["rank 1", "recv(source=0, tag=2)", "ring.ts:15"], dashed: false },
    ]);
    expect(g.edges).toEqual([
      { from: 0, to: 1, cycle: true },
      { from: 1, to: 0, cycle: true },
    ]);
    expect(g.hint).toBe("use the same tag");
    expect(g.summary).toBe("deadlock: …");
  });
});

describe("label placer", () => {
  it("never lets two label boxes intersect, and drops a label with no free lane", () => {
    const { TsmpiRender } = loadDrawing() as unknown as {
      TsmpiRender: {
        Placer(
          a: number,
          b: number,
        ): { place(t: string, x: number, ys: number[], attrs: object): { attrs: { x: number; y: number } } | null };
      };
    };
    const placer = TsmpiRender.Placer(0, 400);
    const placed = [
      placer.place("gather(root 0)", 10, [20, 40], {}),
      placer.place("alltoall", 20, [20, 40], {}),
      placer.place("bcast", 30, [20, 40], {}),
    ];
    expect(placed[0]!.attrs.y).toBe(20);
    expect(placed[1]!.attrs.y).toBe(40);
    expect(placed[2]).toBeNull();
    expect(placer.place("far away", 300, [20], {})!.attrs.x).toBe(300);
    expect(placer.place("pushed left to fit in the plot", 390, [60], {})!.attrs.x).toBeLessThan(390);
  });
});
