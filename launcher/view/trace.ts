// Reading a trace directory written by `tsrun --trace DIR` (schema: docs/trace.md): meta.json and one
// rank-<r>.jsonl per rank, and the model the views draw: the events of each rank in order, messages as
// send/receive pairs (paired by the message id "sender:id" both sides record), and collective calls
// grouped across ranks by (communicator context, call number), and how the job ended (outcome.json and the
// deadlock's wait-for graph, tsrun-deadlock.dot, when tsrun wrote them).
import * as fs from "node:fs";
import * as path from "node:path";

export interface TraceEvent {
  rank: number;
  kind: string;
  clock: number[];
  time: number;
  peer?: number;
  tag?: number;
  size?: number;
  comm?: string;
  ctx?: number;
  msg?: string;
  sync?: boolean;
  site?: string;
  seq?: number;
  name?: string;
  root?: number;
  op?: string;
  text?: string;
  [field: string]: unknown;
}

export interface TraceMeta {
  np: number;
  program?: string;
  args?: string[];
  started?: number;
}

export interface Message {
  send: TraceEvent;
  recv?: TraceEvent;
}

export interface CollectiveInstance {
  comm: string;
  ctx: number;
  seq: number;
  name: string;
  root?: number;
  op?: string;
  ranks: { rank: number; enter: TraceEvent; exit?: TraceEvent }[];
}

/** How the job ended (DIR/outcome.json, written by tsrun when the job ends) and its deadlock graph, if any. */
export interface TraceOutcome {
  code: number;
  /** tsrun's report when it stopped the job (deadlock, --timeout, a failed rank, abort) */
  report?: string;
  /** DIR/tsrun-deadlock.dot: the wait-for graph tsrun wrote when it found a deadlock */
  dot?: string;
}

export interface TraceModel {
  meta: TraceMeta;
  outcome?: TraceOutcome;
  np: number;
  events: TraceEvent[][];
  messages: Message[];
  collectives: CollectiveInstance[];
  start: number;
  end: number;
}

export class TraceError extends Error {}

/** Loads DIR/meta.json and DIR/rank-*.jsonl; a torn last line (a rank killed mid-write) is skipped. */
export function loadTrace(dir: string): TraceModel {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new TraceError(`${dir}: no such directory (record one with tsrun --trace ${dir} -np N prog.ts)`);
  const files = fs.readdirSync(dir).filter((f) => /^rank-\d+\.jsonl$/.test(f));
  if (!files.length)
    throw new TraceError(
      `${dir}: no rank-<r>.jsonl files: not a trace directory (record one with tsrun --trace ${dir} -np N prog.ts)`,
    );
  let meta: TraceMeta = { np: 0 };
  try {
    meta = JSON.parse(fs.readFileSync(path.join(dir, "meta.json"), "utf8")) as TraceMeta;
  } catch {
    /* meta.json is optional */
  }
  const np = Math.max(meta.np || 0, ...files.map((f) => Number(/\d+/.exec(f)![0]) + 1));
  const events: TraceEvent[][] = Array.from({ length: np }, () => []);
  for (const f of files) {
    const rank = Number(/\d+/.exec(f)![0]);
    for (const line of fs.readFileSync(path.join(dir, f), "utf8").split("\n")) {
      if (!line.trim()) continue;
      try {
        events[rank].push(JSON.parse(line) as TraceEvent);
      } catch {
        /* torn line */
      }
    }
  }
  return { ...buildModel({ ...meta, np }, events), outcome: readOutcome(dir) };
}

function readOutcome(dir: string): TraceOutcome | undefined {
  let outcome: TraceOutcome | undefined;
  try {
    const o = JSON.parse(fs.readFileSync(path.join(dir, "outcome.json"), "utf8")) as TraceOutcome;
    outcome = { code: Number(o.code), ...(typeof o.report === "string" ? { report: o.report } : {}) };
  } catch {
    return undefined; // a trace of an older tsrun, or a job still running
  }
  try {
    outcome.dot = fs.readFileSync(path.join(dir, "tsrun-deadlock.dot"), "utf8");
  } catch {
    /* no deadlock */
  }
  return outcome;
}

export function buildModel(meta: TraceMeta, events: TraceEvent[][]): TraceModel {
  const sends = new Map<string, Message>();
  const messages: Message[] = [];
  for (const list of events) {
    for (const e of list) {
      if (e.kind === "send" && e.msg) {
        const m: Message = { send: e };
        sends.set(e.msg, m);
        messages.push(m);
      }
    }
  }
  for (const list of events)
    for (const e of list) if (e.kind === "recv" && e.msg && sends.has(e.msg)) sends.get(e.msg)!.recv = e;
  const colls = new Map<string, CollectiveInstance>();
  for (const list of events) {
    for (const e of list) {
      if (e.kind !== "coll-enter" && e.kind !== "coll-exit") continue;
      const key = `${e.ctx}:${e.seq}`;
      let c = colls.get(key);
      if (!c)
        colls.set(
          key,
          (c = {
            comm: e.comm ?? "",
            ctx: e.ctx ?? 0,
            seq: e.seq ?? 0,
            name: e.name ?? "",
            root: e.root,
            op: e.op,
            ranks: [],
          }),
        );
      if (e.kind === "coll-enter") c.ranks.push({ rank: e.rank, enter: e });
      else {
        const entry = c.ranks.find((r) => r.rank === e.rank && !r.exit);
        if (entry) entry.exit = e;
      }
    }
  }
  let start = Infinity;
  let end = -Infinity;
  for (const list of events)
    for (const e of list) {
      start = Math.min(start, e.time);
      end = Math.max(end, e.time);
    }
  return {
    meta,
    np: meta.np,
    events,
    messages,
    collectives: [...colls.values()],
    start: Number.isFinite(start) ? start : 0,
    end: Number.isFinite(end) ? end : 0,
  };
}
