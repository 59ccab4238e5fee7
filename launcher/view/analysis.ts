// What the trace view computes from a trace model (pure, unit-tested): Lamport times (the causal-order
// axis: each event gets one integer position, a receive always after its send), the blocked calls as bars
// (block/unblock event pairs; a call with no unblock was still blocked when the job ended), where the
// time went on each rank (computing, communicating, blocked), and the bytes each pair of ranks exchanged.
import type { TraceEvent, TraceModel } from "./trace.ts";

export interface BlockedBar {
  rank: number;
  call: string;
  site?: string;
  begin: TraceEvent;
  /** the unblock event; undefined when the rank was still blocked when the job ended */
  end?: TraceEvent;
  /** "ctx:seq" of the blocking collective this call is (its band already shows it) */
  collective?: string;
  waits?: number[];
}

export interface TimeShare {
  rank: number;
  compute: number;
  communication: number;
  blocked: number;
}

/** Lamport time of every event: 1 + max(previous event on its rank, the matching send for a receive). */
export function lamportTimes(model: TraceModel): Map<TraceEvent, number> {
  const sendOf = new Map<string, TraceEvent>();
  for (const m of model.messages) if (m.send.msg) sendOf.set(m.send.msg, m.send);
  const out = new Map<TraceEvent, number>();
  const next = model.events.map(() => 0);
  let progressed = true;
  while (progressed) {
    progressed = false;
    model.events.forEach((list, r) => {
      while (next[r] < list.length) {
        const e = list[next[r]];
        const send = e.kind === "recv" && e.msg ? sendOf.get(e.msg) : undefined;
        if (send && !out.has(send)) return; // its send is not numbered yet: come back later
        const before = next[r] > 0 ? out.get(list[next[r] - 1])! : 0;
        out.set(e, 1 + Math.max(before, send ? out.get(send)! : 0));
        next[r]++;
        progressed = true;
      }
    });
    if (!progressed) {
      // a receive whose send is in a torn file: number it after its own predecessor only
      const r = model.events.findIndex((list, i) => next[i] < list.length);
      if (r < 0) break;
      const list = model.events[r];
      out.set(list[next[r]], 1 + (next[r] > 0 ? out.get(list[next[r] - 1])! : 0));
      next[r]++;
      progressed = true;
    }
  }
  return out;
}

/** The blocked calls of every rank, in order; nested calls (sendrecv's receive…) are bars too. */
export function blockedBars(model: TraceModel): BlockedBar[] {
  const bars: BlockedBar[] = [];
  model.events.forEach((list, rank) => {
    const open = new Map<number, BlockedBar>();
    const inCollective: TraceEvent[] = [];
    list.forEach((e) => {
      if (e.kind === "coll-enter") inCollective.push(e);
      else if (e.kind === "coll-exit")
        inCollective.splice(
          inCollective.findIndex((c) => c.ctx === e.ctx && c.seq === e.seq),
          1,
        );
      else if (e.kind === "block") {
        const call = String(e.call ?? "?");
        const coll = inCollective.find((c) => call.startsWith(`${c.name}(`));
        const bar: BlockedBar = {
          rank,
          call,
          site: e.site,
          begin: e,
          collective: coll ? `${coll.ctx}:${coll.seq}` : undefined,
          waits: e.waits as number[] | undefined,
        };
        open.set(Number(e.id), bar);
        bars.push(bar);
      } else if (e.kind === "unblock") {
        const bar = open.get(Number(e.id));
        if (bar) {
          bar.end = e;
          open.delete(Number(e.id));
        }
      }
    });
  });
  return bars;
}

/**
 * The view's time zero — when init returned on the first rank (every rank had joined: a rank's init
 * completes once the launcher has every rank's address) — and when the first rank started.
 */
export function startUp(model: TraceModel): { origin: number; first: number } {
  let first = Infinity;
  let origin = Infinity;
  for (const list of model.events) {
    if (!list.length) continue;
    first = Math.min(first, list[0].time);
    const ready = list.find((e) => e.kind === "ready");
    origin = Math.min(origin, ready ? ready.time : list[0].time);
  }
  if (!Number.isFinite(first)) return { origin: model.start, first: model.start };
  return { origin, first };
}

/** The last time each rank recorded (its end event, or the job's end). */
export function rankEnds(model: TraceModel): number[] {
  return model.events.map((list) => (list.length ? list[list.length - 1].time : model.end));
}

/**
 * Per rank, from time zero to its last event: time blocked (in an MPI call before its partner was ready:
 * the matching send had not started, or the last member had not entered the collective; the whole call
 * when nothing tells), communicating (the rest of the time in MPI calls) and computing (outside MPI calls).
 */
export function timeShares(model: TraceModel, bars: BlockedBar[], origin: number): TimeShare[] {
  const ends = rankEnds(model);
  const recvSends = new Map<TraceEvent, TraceEvent>();
  for (const m of model.messages) if (m.recv) recvSends.set(m.recv, m.send);
  const lastEntry = new Map<string, number>();
  for (const c of model.collectives) lastEntry.set(`${c.ctx}:${c.seq}`, Math.max(...c.ranks.map((p) => p.enter.time)));
  return model.events.map((list, rank) => {
    const mine = topLevel(bars.filter((b) => b.rank === rank));
    let inMpi = 0;
    let blocked = 0;
    for (const b of mine) {
      const t0 = Math.max(origin, b.begin.time);
      const t1 = b.end ? b.end.time : ends[rank];
      if (t1 <= t0) continue;
      inMpi += t1 - t0;
      const ready = b.end ? partnerReady(list, b, recvSends, lastEntry) : undefined;
      blocked += ready === undefined ? t1 - t0 : Math.min(t1, Math.max(t0, ready)) - t0;
    }
    const total = Math.max(0, ends[rank] - origin);
    return { rank, compute: Math.max(0, total - inMpi), communication: inMpi - blocked, blocked };
  });
}

/** Bars not inside another bar of the same rank. */
function topLevel(bars: BlockedBar[]): BlockedBar[] {
  const out: BlockedBar[] = [];
  let until = -Infinity;
  for (const b of bars) {
    if (b.begin.time < until) continue;
    out.push(b);
    until = b.end ? b.end.time : Infinity;
  }
  return out;
}

/** When the partner of a finished blocked call was ready: its latest matching send, or the last member's entry. */
function partnerReady(
  list: TraceEvent[],
  bar: BlockedBar,
  recvSends: Map<TraceEvent, TraceEvent>,
  lastEntry: Map<string, number>,
): number | undefined {
  if (bar.collective) return lastEntry.get(bar.collective);
  let ready: number | undefined;
  for (let i = list.indexOf(bar.begin); i < list.length && list[i] !== bar.end; i++) {
    const send = list[i].kind === "recv" ? recvSends.get(list[i]) : undefined;
    if (send) ready = Math.max(ready ?? -Infinity, send.time);
  }
  return ready;
}

/** Bytes sent between each ordered pair of ranks (user messages and collective traffic together). */
export function bytesMatrix(model: TraceModel): number[][] {
  const m = Array.from({ length: model.np }, () => new Array<number>(model.np).fill(0));
  for (const msg of model.messages) {
    const to = msg.send.peer ?? -1;
    if (to >= 0 && to < model.np) m[msg.send.rank][to] += msg.send.size ?? 0;
  }
  return m;
}
