// The shared barrier's table (runtime/collectives/shared-barrier.ts), over a real SharedArrayBuffer: every
// member of a communicator finds the same slot, communicators that share a context (the groups of one
// split) get different ones, a taken slot sends a key on to the next, and a key finds none once every slot
// it may probe is taken (its communicator then keeps the message barrier).
import { describe, expect, it } from "vitest";
import { barrierKey, claimSlot } from "../../runtime/collectives/shared-barrier.ts";
import { BARRIER_SLOTS, shmLayout } from "../../runtime/wire/bootstrap.ts";
import { sharedBarrierTable } from "../../runtime/wire/shared-memory.ts";

const table = () => sharedBarrierTable(new SharedArrayBuffer(shmLayout(2).totalBytes), 2);

describe("the shared barrier table", () => {
  it("gives every member of a communicator the same slot, and the groups of a split different ones", () => {
    const t = table();
    const world = barrierKey(7, 0);
    const first = claimSlot(t, world);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(claimSlot(t, world)).toBe(first);
    const evens = claimSlot(t, barrierKey(9, 0));
    const odds = claimSlot(t, barrierKey(9, 1));
    expect(new Set([first, evens, odds]).size).toBe(3);
    expect(claimSlot(t, barrierKey(9, 1))).toBe(odds);
  });

  it("sends a key whose home is taken to the next slot, and finds none when every probe is taken", () => {
    const t = table();
    const key = (i: number) => barrierKey(i * BARRIER_SLOTS, 0); // every one has the same home slot
    const home = claimSlot(t, key(1));
    expect(claimSlot(t, key(2))).toBe((home + 1) % BARRIER_SLOTS);
    const slots = Array.from({ length: 16 }, (_, i) => claimSlot(t, key(i + 1)));
    expect(slots.slice(0, 2)).toEqual([home, (home + 1) % BARRIER_SLOTS]);
    expect(new Set(slots).size).toBe(16);
    expect(claimSlot(t, key(17))).toBe(-1);
    expect(claimSlot(t, key(17))).toBe(-1);
  });

  it("lays the table after the slabs, inside the segment", () => {
    for (const size of [1, 2, 4, 16, 64]) {
      const layout = shmLayout(size);
      expect(layout.barriersAt).toBe(layout.slabsAt + size * layout.slabBytes);
      expect(layout.barriersAt % 8).toBe(0);
      expect(layout.totalBytes).toBe(layout.barriersAt + BARRIER_SLOTS * 16);
    }
  });
});
