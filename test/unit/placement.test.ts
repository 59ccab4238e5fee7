// Tests of launcher/placement.ts: mpirun's --map-by slot / node, the oversubscription error and limits, and
// the --display-map text (issue 7). Examples from mpirun's behaviour, then properties (fast-check) that hold
// for any hostfile and any np.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseHostList, type HostEntry } from "../../launcher/hostfile.ts";
import { formatMap, placeRanks, PlacementError, type Placement } from "../../launcher/placement.ts";

const hostsOf = (list: string) => parseHostList(list);
const hostNames = (p: Placement) => p.ranks.map((r) => p.hosts[r.hostIndex].host);

describe("placeRanks examples", () => {
  it("map-by slot fills each host's slots in order", () => {
    const p = placeRanks(5, hostsOf("th1:2,th2:2,th3:2"));
    expect(hostNames(p)).toEqual(["th1", "th1", "th2", "th2", "th3"]);
    expect(p.ranks.map((r) => r.localRank)).toEqual([0, 1, 0, 1, 0]);
    expect(p.ranksByHost).toEqual([[0, 1], [2, 3], [4]]);
  });

  it("map-by node deals ranks round robin", () => {
    const p = placeRanks(6, hostsOf("th1:2,th2:2,th3:2"), { mapBy: "node" });
    expect(hostNames(p)).toEqual(["th1", "th2", "th3", "th1", "th2", "th3"]);
    expect(p.ranksByHost).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
  });

  it("map-by node skips a host whose slots are full", () => {
    const p = placeRanks(5, hostsOf("a:1,b:3,c:1"), { mapBy: "node" });
    expect(hostNames(p)).toEqual(["a", "b", "c", "b", "b"]);
  });

  it("more ranks than slots is an error naming the numbers", () => {
    expect(() => placeRanks(8, hostsOf("th1:2,th2:2,th3:2"))).toThrow(
      new PlacementError(
        "8 ranks requested but the hostfile gives 6 slots (th1: 2, th2: 2, th3: 2); add slots or pass --oversubscribe",
      ),
    );
    expect(() => placeRanks(3, hostsOf("a"), { sourceName: "the host list" })).toThrow(
      /3 ranks requested but the host list gives 1 slots \(a: 1\)/,
    );
  });

  it("oversubscribed map-by slot spreads the extra ranks one per host, contiguous per host", () => {
    const p = placeRanks(8, hostsOf("th1:2,th2:2,th3:2"), { oversubscribe: true });
    expect(p.ranksByHost).toEqual([
      [0, 1, 2],
      [3, 4, 5],
      [6, 7],
    ]);
  });

  it("oversubscription never goes beyond max_slots", () => {
    const hosts: HostEntry[] = [
      { host: "a", slots: 1, maxSlots: 1, source: { file: "h", line: 1 } },
      { host: "b", slots: 1, source: { file: "h", line: 2 } },
    ];
    expect(placeRanks(4, hosts, { oversubscribe: true }).ranksByHost).toEqual([[0], [1, 2, 3]]);
    expect(placeRanks(4, hosts, { oversubscribe: true, mapBy: "node" }).ranksByHost).toEqual([[0], [1, 2, 3]]);
    const capped = hosts.map((h) => ({ ...h, maxSlots: 2 }));
    expect(() => placeRanks(5, capped, { oversubscribe: true })).toThrow(
      "5 ranks requested but max_slots in the hostfile allows at most 4 (a: 2, b: 2); raise max_slots or add hosts",
    );
  });

  it("rejects np < 1 and an empty host list", () => {
    expect(() => placeRanks(0, hostsOf("a"))).toThrow(/-np must be a whole number ≥ 1, got 0/);
    expect(() => placeRanks(2, [])).toThrow(/gives no host/);
  });
});

describe("formatMap", () => {
  it("prints one line per host with its slots and ranks", () => {
    const text = formatMap(placeRanks(7, hostsOf("th1:2,alice@th2:2,th3:2"), { mapBy: "node", oversubscribe: true }));
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toContain("JOB MAP");
    expect(lines[1]).toBe("  7 ranks on 3 hosts, --map-by node");
    expect(lines[2]).toMatch(/^ {2}th1 +slots: 2 {2}max_slots: - {2}procs: 3 {2}ranks: 0,3,6 \(oversubscribed\)$/);
    expect(lines[3]).toMatch(/^ {2}alice@th2 +slots: 2 {2}max_slots: - {2}procs: 2 {2}ranks: 1,4$/);
    expect(lines[4]).toMatch(/ranks: 2,5$/);
    expect(lines[5]).toMatch(/^=+$/);
    expect(formatMap(placeRanks(4, hostsOf("a:3,b:3")))).toMatch(/a +slots: 3 .*ranks: 0-2\n {2}b .*ranks: 3\n/);
  });
});

// ---- properties ---------------------------------------------------------------------------------------
const hostArb = fc.record({
  slots: fc.integer({ min: 1, max: 6 }),
  extra: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
});
const hostsArb = fc.array(hostArb, { minLength: 1, maxLength: 6 }).map((list) =>
  list.map((h, i): HostEntry => ({
    host: `h${i}`,
    slots: h.slots,
    ...(h.extra !== undefined ? { maxSlots: h.slots + h.extra } : {}),
    source: { file: "gen", line: i + 1 },
  })),
);
const mapByArb = fc.constantFrom("slot" as const, "node" as const);

function counts(p: Placement): number[] {
  return p.ranksByHost.map((r) => r.length);
}

describe("placement properties", () => {
  it("within the slots: every rank placed once, no host above its slots, local ranks numbered 0..k-1", () => {
    fc.assert(
      fc.property(hostsArb, mapByArb, fc.nat(), (hosts, mapBy, seed) => {
        const total = hosts.reduce((s, h) => s + h.slots, 0);
        const np = 1 + (seed % total);
        const p = placeRanks(np, hosts, { mapBy });
        expect(p.ranks.map((r) => r.rank)).toEqual([...Array(np).keys()]);
        counts(p).forEach((c, i) => expect(c).toBeLessThanOrEqual(hosts[i].slots));
        p.ranksByHost.forEach((ranks, i) =>
          ranks.forEach((rank, local) => {
            expect(p.ranks[rank]).toEqual({ rank, hostIndex: i, localRank: local });
          }),
        );
      }),
    );
  });

  it("map-by slot: ranks ascend with the host order and fill a host before the next", () => {
    fc.assert(
      fc.property(hostsArb, fc.nat(), (hosts, seed) => {
        const total = hosts.reduce((s, h) => s + h.slots, 0);
        const p = placeRanks(1 + (seed % total), hosts);
        const order = p.ranks.map((r) => r.hostIndex);
        expect(order).toEqual([...order].sort((a, b) => a - b));
        const c = counts(p);
        const lastUsed = c.findLastIndex((x) => x > 0);
        for (let i = 0; i < lastUsed; i++) expect(c[i]).toBe(hosts[i].slots);
      }),
    );
  });

  it("map-by node: the first ranks go to distinct hosts, in host order", () => {
    fc.assert(
      fc.property(hostsArb, fc.nat(), (hosts, seed) => {
        const total = hosts.reduce((s, h) => s + h.slots, 0);
        const np = 1 + (seed % total);
        const p = placeRanks(np, hosts, { mapBy: "node" });
        const first = Math.min(np, hosts.length);
        expect(p.ranks.slice(0, first).map((r) => r.hostIndex)).toEqual([...Array(first).keys()]);
      }),
    );
  });

  it("beyond the slots: an error naming np and the slot count, or with --oversubscribe a placement that fills every slot first and respects max_slots", () => {
    fc.assert(
      fc.property(hostsArb, mapByArb, fc.integer({ min: 1, max: 30 }), (hosts, mapBy, over) => {
        const total = hosts.reduce((s, h) => s + h.slots, 0);
        const np = total + over;
        expect(() => placeRanks(np, hosts, { mapBy })).toThrow(
          `${np} ranks requested but the hostfile gives ${total} slots`,
        );
        const max = hosts.every((h) => h.maxSlots !== undefined)
          ? hosts.reduce((s, h) => s + (h.maxSlots ?? 0), 0)
          : Infinity;
        if (np > max) {
          expect(() => placeRanks(np, hosts, { mapBy, oversubscribe: true })).toThrow(
            /max_slots in the hostfile allows at most/,
          );
          return;
        }
        const p = placeRanks(np, hosts, { mapBy, oversubscribe: true });
        expect(p.ranks).toHaveLength(np);
        counts(p).forEach((c, i) => {
          expect(c).toBeGreaterThanOrEqual(hosts[i].slots);
          expect(c).toBeLessThanOrEqual(hosts[i].maxSlots ?? Infinity);
        });
      }),
    );
  });
});
