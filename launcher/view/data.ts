// The data the trace view draws (launcher/view/client/render.js and panels.js), computed once from a trace
// model: times in milliseconds from time zero — the moment init had returned on every rank, so start-up
// is folded (its length is kept for the marker) — and causal positions as Lamport times; messages with
// their collective call, never-received messages with their destination, blocked calls as bars, how the
// job ended (a deadlock's wait-for graph and hint), and where the time went.
import type { TraceEvent, TraceModel } from "./trace.ts";
import { blockedBars, bytesMatrix, lamportTimes, rankEnds, startUp, timeShares } from "./analysis.ts";
import { parseWaitFor, type WaitForGraph } from "./waitgraph.ts";

export type OutcomeKind = "finished" | "deadlock" | "timeout" | "stopped" | "unknown";

export interface ViewData {
  np: number;
  program: string;
  startup: number;
  end: number;
  lamportMax: number;
  outcome: { kind: OutcomeKind; code?: number; report?: string };
  deadlock: WaitForGraph | null;
  [field: string]: unknown;
}

export function outcomeKind(model: TraceModel): OutcomeKind {
  const o = model.outcome;
  if (!o) return "unknown";
  if (o.dot) return "deadlock";
  if (o.code === 124) return "timeout";
  return o.code === 0 ? "finished" : "stopped";
}

export function viewData(model: TraceModel): ViewData {
  const { origin, first } = startUp(model);
  const t = (e: TraceEvent) => Math.round((e.time - origin) * 1000) / 1000;
  const lamport = lamportTimes(model);
  const x = (e: TraceEvent) => lamport.get(e) ?? 0;
  const isColl = (e: TraceEvent) => ((e.ctx ?? 0) & 1) === 1;
  const ends = rankEnds(model);
  const lastEvent = model.events.map((list) => list[list.length - 1]);
  const groupOf = collectiveOfMessage(model);
  const bars = blockedBars(model);
  const kind = outcomeKind(model);
  const o = model.outcome;
  return {
    np: model.np,
    program: model.meta.program ?? "",
    startup: Math.max(0, Math.round((origin - first) * 1000) / 1000),
    end: Math.max(0, ...ends.map((e) => Math.round((e - origin) * 1000) / 1000)),
    lamportMax: Math.max(1, ...lamport.values()),
    outcome: { kind, ...(o ? { code: o.code } : {}), ...(o?.report ? { report: o.report } : {}) },
    deadlock: o?.dot ? parseWaitFor(o.dot, o.report) : null,
    messages: model.messages
      .filter((m) => m.recv)
      .map((m) => ({
        s: m.send.rank,
        r: m.recv!.rank,
        ts: t(m.send),
        tr: t(m.recv!),
        xs: x(m.send),
        xr: x(m.recv!),
        tag: m.send.tag,
        size: m.send.size,
        comm: m.send.comm,
        coll: isColl(m.send),
        sync: Boolean(m.send.sync),
        siteS: m.send.site,
        siteR: m.recv!.site,
        id: m.send.msg,
        group: groupOf.get(m.send),
      })),
    unmatched: model.messages
      .filter((m) => !m.recv)
      .map((m) => ({
        s: m.send.rank,
        r: m.send.peer,
        ts: t(m.send),
        xs: x(m.send),
        tag: m.send.tag,
        size: m.send.size,
        comm: m.send.comm,
        site: m.send.site,
      })),
    collectives: model.collectives.map((c, i) => ({
      name: c.name,
      comm: c.comm,
      seq: c.seq,
      root: c.root,
      op: c.op,
      messages: [...groupOf.values()].filter((g) => g === i).length,
      ranks: c.ranks.map((p) => ({
        rank: p.rank,
        t0: t(p.enter),
        x0: x(p.enter),
        t1: t(p.exit ?? lastEvent[p.rank]),
        x1: x(p.exit ?? lastEvent[p.rank]),
        site: p.enter.site,
      })),
    })),
    bars: bars.map((b) => {
      const end = b.end ?? lastEvent[b.rank];
      return {
        rank: b.rank,
        call: b.call,
        site: b.site,
        t0: t(b.begin),
        x0: x(b.begin),
        t1: t(end),
        x1: x(end),
        open: !b.end,
        coll: Boolean(b.collective),
      };
    }),
    marks: model.events
      .flat()
      .filter((e) => e.kind === "mark")
      .map((e) => ({ rank: e.rank, t: t(e), x: x(e), text: e.text ?? "", site: e.site })),
    shares: timeShares(model, bars, origin),
    bytes: bytesMatrix(model),
  };
}

/** The collective call (index in model.collectives) each collective-traffic send belongs to. */
function collectiveOfMessage(model: TraceModel): Map<TraceEvent, number> {
  const out = new Map<TraceEvent, number>();
  const spans = new Map<string, { index: number; t0: number; t1: number }[]>();
  model.collectives.forEach((c, index) => {
    for (const p of c.ranks) {
      const key = `${p.rank}:${c.ctx}`;
      if (!spans.has(key)) spans.set(key, []);
      spans.get(key)!.push({ index, t0: p.enter.time, t1: p.exit?.time ?? Infinity });
    }
  });
  for (const m of model.messages) {
    const e = m.send;
    if (((e.ctx ?? 0) & 1) !== 1) continue;
    const hit = spans.get(`${e.rank}:${e.ctx}`)?.find((s) => e.time >= s.t0 && e.time <= s.t1);
    if (hit) out.set(e, hit.index);
  }
  return out;
}
