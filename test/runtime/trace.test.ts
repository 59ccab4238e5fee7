// `tsrun --trace DIR` (schema in docs/trace.md) on a random run: every event carries a vector clock that
// respects happened-before (each receive's clock dominates its send's, each rank's own entry counts its
// events), sends pair with receives by message id, collectives and marks are recorded; the ShiViz export
// of the run matches ShiViz's regex and its clock rules; the trace subcommands fail clearly on bad input.
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCommand, runTsrun, tsrunBin } from "../harness/run.ts";
import type { TraceEvent } from "../../launcher/view/trace.ts";
import { scratchDir } from "../harness/scratch.ts";

type Event = TraceEvent;

const NP = 4;
const ROUNDS = 40;
const work = scratchDir("tsmpi-trace-test-");
const dir = path.join(work, "trace");
let events: Event[][] = [];

beforeAll(async () => {
  const seed = String(1 + Math.floor(Math.random() * 1e9));
  const r = await runTsrun(NP, "test/runtime/programs/diag-random.ts", {
    tsrunArgs: ["--trace", dir],
    programArgs: [String(ROUNDS), seed],
  });
  expect(r.code, `seed ${seed}: ${r.stderr}`).toBe(0);
  events = Array.from({ length: NP }, (_, rank) =>
    fs
      .readFileSync(path.join(dir, `rank-${rank}.jsonl`), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Event),
  );
}, 120_000);

const leq = (a: number[], b: number[]) => a.every((x, i) => x <= b[i]);

describe("the trace of a random run", () => {
  it("has one file per rank and a meta.json", () => {
    const meta = JSON.parse(fs.readFileSync(path.join(dir, "meta.json"), "utf8"));
    expect(meta).toMatchObject({ format: "tsmpi-trace", np: NP });
    expect(events.map((list) => list[0].kind)).toEqual(Array(NP).fill("init"));
    expect(events.map((list) => list[list.length - 1].kind)).toEqual(Array(NP).fill("end"));
  });

  it("counts each rank's events in its own clock entry, and never goes back", () => {
    for (const [rank, list] of events.entries()) {
      list.forEach((e, i) => {
        expect(e.rank).toBe(rank);
        expect(e.clock).toHaveLength(NP);
        expect(e.clock[rank]).toBe(i + 1);
        if (i > 0) {
          expect(leq(list[i - 1].clock, e.clock)).toBe(true);
          expect(e.time).toBeGreaterThanOrEqual(list[i - 1].time);
        }
      });
    }
  });

  it("pairs every send with its receive, and the receive's clock dominates the send's", () => {
    const sends = new Map(
      events
        .flat()
        .filter((e) => e.kind === "send")
        .map((e) => [e.msg!, e]),
    );
    const recvs = events.flat().filter((e) => e.kind === "recv");
    expect(recvs.length).toBe(sends.size);
    const user = recvs.filter((e) => e.ctx! % 2 === 0);
    expect(user).toHaveLength(NP * ROUNDS);
    for (const r of recvs) {
      const s = sends.get(r.msg!)!;
      expect(s, r.msg).toBeDefined();
      expect([s.rank, s.peer, s.tag, s.size, s.ctx]).toEqual([r.peer, r.rank, r.tag, r.size, r.ctx]);
      expect(leq(s.clock, r.clock)).toBe(true); // send happened before receive
      expect(r.clock[r.rank]).toBeGreaterThan(s.clock[r.rank]);
      expect(r.clock[s.rank]).toBeGreaterThanOrEqual(s.clock[s.rank]);
    }
    for (const e of events.flat().filter((x) => x.kind === "send" && x.ctx! % 2 === 0))
      expect(e.site).toMatch(/diag-random\.ts:17:\d+$/);
  });

  it("records collective entry and exit with the same call number on every rank, and user marks", () => {
    for (const list of events) {
      const enters = list.filter((e) => e.kind === "coll-enter");
      const exits = list.filter((e) => e.kind === "coll-exit");
      expect(enters.map((e) => [e.name, e.seq])).toEqual(
        Array.from({ length: ROUNDS / 8 }, (_, i) => ["allreduce", i + 1]),
      );
      expect(exits.map((e) => e.seq)).toEqual(enters.map((e) => e.seq));
      expect(list.filter((e) => e.kind === "mark").map((e) => e.text)).toEqual(
        Array.from({ length: ROUNDS / 8 }, (_, i) => `round ${8 * i + 7} done`),
      );
    }
    // every rank's exit of a collective comes after every rank's entry (it needs everyone's data)
    const enter = (rank: number, seq: number) => events[rank].find((e) => e.kind === "coll-enter" && e.seq === seq)!;
    const exit = (rank: number, seq: number) => events[rank].find((e) => e.kind === "coll-exit" && e.seq === seq)!;
    for (let a = 0; a < NP; a++)
      for (let b = 0; b < NP; b++) expect(leq(enter(a, 1).clock, exit(b, 1).clock)).toBe(true);
  });
});

describe("tsrun export-shiviz", () => {
  it("writes ShiViz's format: the regex parses every event and the clocks follow ShiViz's rules", async () => {
    const r = await runCommand(process.execPath, [tsrunBin, "export-shiviz", dir]);
    expect(r.code, r.stderr).toBe(0);
    const regex = /(?<host>\S*) (?<clock>{.*})\n(?<event>.*)/g;
    const parsed = [...r.stdout.matchAll(regex)].map((m) => ({
      host: m.groups!.host,
      clock: JSON.parse(m.groups!.clock) as Record<string, number>,
      event: m.groups!.event,
    }));
    expect(parsed).toHaveLength(events.flat().length);
    const counts = new Map<string, number>();
    for (const p of parsed) counts.set(p.host, (counts.get(p.host) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(Array.from({ length: NP }, (_, r) => `rank${r}`));
    const seen = new Map<string, number>();
    for (const p of parsed) {
      const own = (seen.get(p.host) ?? 0) + 1; // ShiViz: a host's clock starts at 1 and grows by 1 per event
      seen.set(p.host, own);
      expect(p.clock[p.host]).toBe(own);
      for (const [h, v] of Object.entries(p.clock)) {
        expect(counts.has(h)).toBe(true); // only hosts of the log
        expect(v).toBeGreaterThanOrEqual(1); // zero entries are left out
        expect(v).toBeLessThanOrEqual(counts.get(h)!); // no larger than that host's number of events
      }
    }
    expect(parsed.find((p) => p.event.startsWith("send to rank"))?.event).toMatch(
      /^send to rank\d tag=\d size=\d+ COMM_WORLD msg=\d+:\d+ at \S+diag-random\.ts:17:\d+$/,
    );
  });
});

describe("trace subcommands on bad input", () => {
  it("say what is wrong in one line", async () => {
    const missing = await runCommand(process.execPath, [tsrunBin, "view", path.join(work, "nope")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toMatch(/^tsrun view: \S+nope: no such directory \(record one with tsrun --trace/);
    const empty = fs.mkdtempSync(path.join(work, "empty-"));
    const notTrace = await runCommand(process.execPath, [tsrunBin, "export-shiviz", empty]);
    expect(notTrace.code).toBe(1);
    expect(notTrace.stderr).toMatch(/no rank-<r>\.jsonl files: not a trace directory/);
    const usage = await runCommand(process.execPath, [tsrunBin, "view"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^tsrun: missing the trace directory\. usage: tsrun view DIR/);
  });
});
