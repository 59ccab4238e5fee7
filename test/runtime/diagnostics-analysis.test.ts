// The launcher's deadlock and mismatch analysis on hand-made polls (pure functions of launcher/
// diagnostics): what must be reported, and — more important — what must never be: a rank that computes,
// a frame still in flight, a wait that a running rank can still complete, a rank in finalize that still
// has frames to answer.
import { describe, expect, it } from "vitest";
import { findDeadlock, type PolledState } from "../../launcher/diagnostics/deadlock.ts";
import { CollectiveLedger, describeMismatch } from "../../launcher/diagnostics/collectives.ts";
import { deadlockDot, deadlockSummary } from "../../launcher/diagnostics/describe.ts";

const np3 = (f: (r: number) => number) => [f(0), f(1), f(2)];
let nextId = 1;
function recvFrom(source: number | "any", np: number, id = nextId++): PolledState["blocked"][number] {
  const waitsFor = source === "any" ? Array.from({ length: np }, (_, r) => r) : [source];
  return { id, call: `recv(source=${source === "any" ? "ANY_SOURCE" : source}, tag=0)`, waitsFor, since: 0 };
}
function state(blocked: PolledState["blocked"], sentTo: number[], recvFrom: number[], busy?: string): PolledState {
  return { blocked, sentTo, recvFrom, ...(busy ? { busy } : {}) };
}
const input = (np: number, prev: Map<number, PolledState>, cur = prev) => ({
  np,
  prev,
  cur,
  exited: new Set<number>(),
  inFinalize: new Set<number>(),
  lastSentTo: new Map<number, number[]>(),
});

describe("deadlock analysis", () => {
  it("finds the head-to-head cycle and words it", () => {
    const polls = new Map([
      [0, state([recvFrom(1, 2)], [0, 1], [0, 1])],
      [1, state([recvFrom(0, 2)], [1, 0], [1, 0])],
    ]);
    const d = findDeadlock(input(2, polls))!;
    expect(d.global).toBe(true);
    expect(d.cycle).toEqual([0, 1, 0]);
    const ctx = { exits: new Map(), inFinalize: new Set<number>(), collectiveLags: [] };
    expect(deadlockSummary(d, ctx)).toBe(
      "deadlock: rank 0 waits in recv(source=1, tag=0) for rank 1; rank 1 waits in recv(source=0, tag=0) for rank 0 — a cycle 0 → 1 → 0",
    );
    expect(deadlockDot(d, ctx)).toMatch(/r0 -> r1 \[color=red/);
  });

  it("never reports while a frame is in flight", () => {
    const a = recvFrom(1, 2);
    const b = recvFrom(0, 2);
    const polls = new Map([
      [0, state([a], [0, 2], [0, 1])], // rank 0 sent 2 frames to rank 1, which has received only 1
      [1, state([b], [1, 0], [1, 0])],
    ]);
    expect(findDeadlock(input(2, polls))).toBeNull();
  });

  it("never reports a rank whose state changed between the polls, or that may wake on its own", () => {
    const prev = new Map([
      [0, state([recvFrom(1, 2)], [0, 1], [0, 1])],
      [1, state([recvFrom(0, 2)], [1, 0], [1, 0])],
    ]);
    const moved = new Map([...prev, [1, state([recvFrom(0, 2)], [1, 0], [1, 0])]]); // a new call id
    expect(findDeadlock(input(2, prev, moved))).toBeNull();
    const timer = new Map([...prev, [1, { ...prev.get(1)!, busy: "1 timer" }]]);
    expect(findDeadlock(input(2, prev, timer))).toBeNull();
    const silent = new Map([...prev].filter(([r]) => r === 0)); // rank 1 computing: no answer
    expect(findDeadlock(input(2, prev, silent))).toBeNull();
  });

  it("reports a partial cycle while another rank runs, but not a wait that the running rank can complete", () => {
    const polls = new Map([
      [
        0,
        state(
          [recvFrom(1, 3)],
          np3(() => 0),
          np3(() => 0),
        ),
      ],
      [
        1,
        state(
          [recvFrom(0, 3)],
          np3(() => 0),
          np3(() => 0),
        ),
      ],
    ]);
    const d = findDeadlock(input(3, polls))!;
    expect(d.global).toBe(false);
    expect(d.running).toEqual([2]);
    expect(d.dead.map((r) => r.rank)).toEqual([0, 1]);
    const anySource = new Map([
      [
        0,
        state(
          [recvFrom("any", 3)],
          np3(() => 0),
          np3(() => 0),
        ),
      ],
      [
        1,
        state(
          [recvFrom("any", 3)],
          np3(() => 0),
          np3(() => 0),
        ),
      ],
    ]);
    expect(findDeadlock(input(3, anySource))).toBeNull(); // rank 2 may still send to either
  });

  it("treats ranks in finalize and exited ranks as never sending again, exactly", () => {
    const waiting = new Map([[0, state([recvFrom(1, 2)], [0, 3], [0, 4])]]);
    const x = { ...input(2, waiting), inFinalize: new Set([1]) };
    x.cur = new Map([...waiting, [1, state([{ id: 99, call: "finalize()", since: 0 }], [4, 0], [3, 0])]]);
    expect(findDeadlock(x)?.dead.map((r) => r.rank)).toEqual([0]);
    // rank 1 (in finalize) has not yet received everything rank 0 sent: it may still answer (an ACK)
    x.cur = new Map([...waiting, [1, state([{ id: 99, call: "finalize()", since: 0 }], [4, 0], [2, 0])]]);
    expect(findDeadlock(x)).toBeNull();
    const exited = { ...input(2, waiting), exited: new Set([1]), lastSentTo: new Map([[1, [4, 0]]]) };
    expect(findDeadlock(exited)?.global).toBe(true);
    expect(findDeadlock({ ...exited, faultTolerant: true })).toBeNull(); // the runtime fails that wait instead
  });

  it("treats one-sided waits and waits that do not say whom as waiting for anyone", () => {
    const polls = new Map([
      [
        0,
        state(
          [{ id: 7, call: "win.lock(1)", waitsFor: [1], since: 0 }],
          np3(() => 0),
          np3(() => 0),
        ),
      ],
      [
        1,
        state(
          [recvFrom(0, 3)],
          np3(() => 0),
          np3(() => 0),
        ),
      ],
    ]);
    expect(findDeadlock(input(3, polls))).toBeNull();
  });
});

describe("mismatched collectives", () => {
  it("names what each rank called at the first differing position", () => {
    const ledger = new CollectiveLedger();
    const members = [0, 1, 2, 3];
    for (const r of [0, 1, 3])
      ledger.ingest(r, [
        {
          ctx: 1,
          comm: "COMM_WORLD",
          members,
          from: 1,
          runs: [
            ["barrier()", 5],
            ["bcast(root=0)", 1],
          ],
        },
      ]);
    expect(ledger.firstMismatch()).toBeNull();
    expect(
      ledger.ingest(2, [
        {
          ctx: 1,
          comm: "COMM_WORLD",
          members,
          from: 1,
          runs: [
            ["barrier()", 5],
            ["bcast(root=1)", 1],
          ],
        },
      ]),
    ).toBe(true);
    expect(describeMismatch(ledger.firstMismatch()!)).toMatch(
      /^mismatched collectives on COMM_WORLD \(collective call #6 on it\): rank 2 called bcast\(root=1\) while ranks 0, 1, 3 called bcast\(root=0\)\./,
    );
  });

  it("lists each member's call with where the launcher found it, a few lines per distinct call", () => {
    const ledger = new CollectiveLedger();
    const members = [0, 1, 2, 3, 4, 5];
    for (const r of [0, 1, 2, 3, 4])
      ledger.ingest(r, [{ ctx: 1, comm: "COMM_WORLD", members, from: 1, runs: [["bcast(root=0)", 1]] }]);
    ledger.ingest(5, [{ ctx: 1, comm: "COMM_WORLD", members, from: 1, runs: [["reduce(op=SUM, root=0)", 1]] }]);
    const m = ledger.firstMismatch()!;
    expect(m.ctx).toBe(1);
    const text = describeMismatch(m, (rank, call) => ` at ring.ts:${call?.startsWith("bcast") ? 12 : 14}:${rank + 1}`);
    expect(text.split("\n").slice(1)).toEqual([
      "  rank 0: bcast(root=0) at ring.ts:12:1",
      "  rank 1: bcast(root=0) at ring.ts:12:2",
      "  rank 2: bcast(root=0) at ring.ts:12:3",
      "  rank 5: reduce(op=SUM, root=0) at ring.ts:14:6",
      "  … and 2 more ranks calling bcast(root=0)",
      "  hint: every rank of a communicator must call the same collectives in the same order, with the same root, op and type signature",
    ]);
  });

  it("accepts the same calls reported in pieces, and says who lags", () => {
    const ledger = new CollectiveLedger();
    ledger.ingest(0, [{ ctx: 3, comm: "COMM_SELF", members: [0, 1], from: 1, runs: [["allreduce(op=SUM)", 1000]] }]);
    ledger.ingest(1, [{ ctx: 3, comm: "COMM_SELF", members: [0, 1], from: 1, runs: [["allreduce(op=SUM)", 400]] }]);
    ledger.ingest(1, [{ ctx: 3, comm: "COMM_SELF", from: 401, runs: [["allreduce(op=SUM)", 600]] }]);
    expect(ledger.firstMismatch()).toBeNull();
    ledger.ingest(0, [{ ctx: 3, comm: "COMM_SELF", from: 1001, runs: [["barrier()", 1]] }]);
    expect(ledger.lagging()).toEqual([
      { comm: "COMM_SELF", ahead: [0], count: 1001, behind: new Map([[1, 1000]]), last: "barrier()" },
    ]);
  });
});
