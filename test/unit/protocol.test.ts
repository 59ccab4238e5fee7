// The protocol page (runtime/protocol.ts): the context-id allocator that both the collectives (communicator
// creation, agreed among members) and the launcher (shrink) use, and the reserved numbers that must not
// collide: context ranges, CONTROL channels, frame kinds.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  COMMUNICATOR_CONTEXTS,
  CONTROL_CONTEXT,
  ContextIds,
  FrameKind,
  REVOKE_CHANNEL,
  SELF_CONTEXT,
  SEND_SITES_CHANNEL,
  SHRUNK_CONTEXTS,
  STEP_ABORT_CHANNEL,
  TRACE_CLOCK_CHANNEL,
  WINDOW_CHANNELS,
  WORLD_CONTEXT,
  WindowMsg,
  isOriginToTarget,
} from "../../runtime/protocol.ts";

describe("ContextIds", () => {
  it("alone (the launcher's shrink) hands out consecutive even pairs from the start of its range", () => {
    const ids = new ContextIds(SHRUNK_CONTEXTS);
    expect([ids.offer(), ids.offer(), ids.offer()]).toEqual([
      SHRUNK_CONTEXTS.first,
      SHRUNK_CONTEXTS.first + 2,
      SHRUNK_CONTEXTS.first + 4,
    ]);
  });

  it("an offer is reserved at once: creations started back to back on one process get different ids", () => {
    const ids = new ContextIds(COMMUNICATOR_CONTEXTS);
    const a = ids.offer();
    const b = ids.offer();
    expect(b).toBe(a + 2);
  });

  it("after agreeing on another member's larger offer, a process never offers it or anything below again", () => {
    const ids = new ContextIds(COMMUNICATOR_CONTEXTS);
    ids.offer();
    ids.agree(40);
    expect(ids.offer()).toBe(42);
    ids.agree(10); // an older, smaller agreement changes nothing
    expect(ids.offer()).toBe(44);
  });

  it("communicators created among any members never share a context on a process they share", () => {
    // Each run: 4 processes, a sequence of creations, each among a subset of them (agreed = max of the offers).
    fc.assert(
      fc.property(
        fc.array(fc.subarray([0, 1, 2, 3], { minLength: 1 }), { minLength: 1, maxLength: 30 }),
        (creations) => {
          const processes = [0, 1, 2, 3].map(() => new ContextIds(COMMUNICATOR_CONTEXTS));
          const held = processes.map(() => new Set<number>());
          for (const members of creations) {
            const agreed = Math.max(...members.map((p) => processes[p].offer()));
            for (const p of members) {
              processes[p].agree(agreed);
              expect(held[p].has(agreed)).toBe(false);
              held[p].add(agreed);
            }
            expect(agreed % 2).toBe(0);
          }
        },
      ),
      { seed: 18, numRuns: 200 },
    );
  });

  it("a range that is used up is an error, not a reused id", () => {
    const ids = new ContextIds({ first: 10, end: 14 });
    expect([ids.offer(), ids.offer()]).toEqual([10, 12]);
    expect(() => ids.offer()).toThrow(/no communicator context id left in \[10, 14\)/);
  });
});

describe("reserved numbers", () => {
  it("context ranges: COMM_WORLD and COMM_SELF below the created communicators, below the shrunk ones; all even-aligned", () => {
    expect(WORLD_CONTEXT + 1).toBeLessThan(SELF_CONTEXT);
    expect(SELF_CONTEXT + 1).toBeLessThan(COMMUNICATOR_CONTEXTS.first);
    expect(COMMUNICATOR_CONTEXTS.end).toBeLessThanOrEqual(SHRUNK_CONTEXTS.first);
    expect(SHRUNK_CONTEXTS.end).toBeLessThan(CONTROL_CONTEXT);
    for (const n of [WORLD_CONTEXT, SELF_CONTEXT, COMMUNICATOR_CONTEXTS.first, SHRUNK_CONTEXTS.first])
      expect(n % 2).toBe(0);
  });

  it("the runtime's CONTROL channels are distinct and outside every window's channel", () => {
    const fixed = [TRACE_CLOCK_CHANNEL, SEND_SITES_CHANNEL, REVOKE_CHANNEL, STEP_ABORT_CHANNEL];
    expect(new Set(fixed).size).toBe(fixed.length);
    for (const c of fixed) expect(c < WINDOW_CHANNELS.first || c >= WINDOW_CHANNELS.end).toBe(true);
    expect(WINDOW_CHANNELS.first).toBeLessThan(WINDOW_CHANNELS.end);
  });

  it("frame kinds are distinct; window frames split into origin → target and answers", () => {
    expect(new Set(Object.values(FrameKind)).size).toBe(Object.keys(FrameKind).length);
    expect(new Set(Object.values(WindowMsg)).size).toBe(Object.keys(WindowMsg).length);
    expect(isOriginToTarget(WindowMsg.PUT)).toBe(true);
    expect(isOriginToTarget(WindowMsg.REPLY)).toBe(false);
    expect(isOriginToTarget(WindowMsg.POST)).toBe(false);
  });
});
