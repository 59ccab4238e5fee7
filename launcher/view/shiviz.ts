// `tsrun export-shiviz DIR > run.log`: the trace in ShiViz's log format (https://bestchai.bitbucket.io/
// shiviz/), two lines per event, parsed by ShiViz with the regex `(?<host>\S*) (?<clock>{.*})\n(?<event>.*)`:
//   rank0 {"rank0":3,"rank1":2}
//   recv from rank1 tag=0 size=8 COMM_WORLD msg=1:1 at ring.ts:20:17
// ShiViz's clock rules hold by construction of the trace: each host's own entry starts at 1 and grows by
// one per event (every traced event ticks it once), every entry names a host of the log and a value no
// larger than that host's number of events, and zero entries are left out.
import type { TraceEvent, TraceModel } from "./trace.ts";

const host = (rank: number) => `rank${rank}`;

/** One event's text (the line under its clock). */
export function describeEvent(e: TraceEvent): string {
  const where = e.site ? ` at ${e.site}` : "";
  switch (e.kind) {
    case "send":
      return `send to ${host(e.peer!)} tag=${e.tag} size=${e.size} ${e.comm}${e.sync ? " (synchronous)" : ""} msg=${e.msg}${where}`;
    case "recv":
      return `recv from ${host(e.peer!)} tag=${e.tag} size=${e.size} ${e.comm} msg=${e.msg}${where}`;
    case "coll-enter":
      return `enter ${e.name}${e.root !== undefined ? ` root=${e.root}` : ""}${e.op ? ` op=${e.op}` : ""} on ${e.comm} (collective #${e.seq})${where}`;
    case "coll-exit":
      return `exit ${e.name} on ${e.comm} (collective #${e.seq})`;
    case "mark":
      return `mark: ${String(e.text ?? "").replace(/\n/g, " ")}${where}`;
    default: {
      const { rank: _r, kind, clock: _c, time: _t, site: _s, ...rest } = e;
      const fields = Object.entries(rest).map(
        ([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : String(v)}`,
      );
      return `${kind}${fields.length ? " " + fields.join(" ") : ""}${where}`;
    }
  }
}

/** The whole log: every event of every rank, each rank's events in order. */
export function toShiViz(model: TraceModel): string {
  const out: string[] = [];
  for (const list of model.events) {
    for (const e of list) {
      const clock: Record<string, number> = {};
      e.clock.forEach((v, r) => {
        if (v > 0) clock[host(r)] = v;
      });
      out.push(`${host(e.rank)} ${JSON.stringify(clock)}`);
      out.push(describeEvent(e).replace(/\n/g, " "));
    }
  }
  return out.join("\n") + "\n";
}
