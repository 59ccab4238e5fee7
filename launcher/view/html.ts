// `tsrun view DIR`: one self-contained HTML file (no network access: data, script and style inline) with
// the space-time diagram of a trace (launcher/view/client/spacetime.js draws it). Times are in
// milliseconds from the first event; the causal x of an event is the sum of its vector clock, which
// orders every send before its receive.
import * as fs from "node:fs";
import type { TraceEvent, TraceModel } from "./trace.ts";
import { escapeHtml } from "./live-page.ts";

const clientScript = fs.readFileSync(new URL("./client/spacetime.js", import.meta.url), "utf8");

const causal = (e: TraceEvent) => e.clock.reduce((a, b) => a + b, 0);

/** The data the page draws, compact (times relative to the first event, in ms). */
export function viewData(model: TraceModel): Record<string, unknown> {
  const t = (e: TraceEvent) => Math.round((e.time - model.start) * 1000) / 1000;
  const isColl = (e: TraceEvent) => ((e.ctx ?? 0) & 1) === 1;
  return {
    np: model.np,
    program: model.meta.program ?? "",
    events: model.events.map((list) => list.map((e) => [t(e), causal(e)])),
    messages: model.messages
      .filter((m) => m.recv)
      .map((m) => ({
        s: m.send.rank, r: m.recv!.rank, ts: t(m.send), tr: t(m.recv!), xs: causal(m.send), xr: causal(m.recv!),
        tag: m.send.tag, size: m.send.size, comm: m.send.comm, coll: isColl(m.send), sync: Boolean(m.send.sync),
        siteS: m.send.site, siteR: m.recv!.site, id: m.send.msg,
      })),
    unmatched: model.messages
      .filter((m) => !m.recv)
      .map((m) => ({ s: m.send.rank, peer: m.send.peer, ts: t(m.send), xs: causal(m.send), tag: m.send.tag, size: m.send.size, comm: m.send.comm, site: m.send.site })),
    collectives: model.collectives.map((c) => ({
      name: c.name, comm: c.comm, seq: c.seq, root: c.root, op: c.op,
      ranks: c.ranks.map((p) => ({ rank: p.rank, t0: t(p.enter), x0: causal(p.enter), t1: t(p.exit ?? p.enter), x1: causal(p.exit ?? p.enter), site: p.enter.site })),
    })),
    marks: model.events.flat().filter((e) => e.kind === "mark").map((e) => ({ rank: e.rank, t: t(e), x: causal(e), text: e.text ?? "", site: e.site })),
  };
}

export function viewHtml(model: TraceModel): string {
  const data = JSON.stringify(viewData(model)).replace(/</g, "\\u003c");
  const title = `tsmpi trace${model.meta.program ? ` — ${model.meta.program.split("/").pop()}` : ""}`;
  const delivered = model.messages.filter((m) => m.recv).length;
  const duration = (model.end - model.start).toFixed(3);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body { font: 13px system-ui, sans-serif; margin: 0; color: #222; }
header { padding: 10px 14px; background: #f4f5f7; border-bottom: 1px solid #ddd; }
h1 { font-size: 15px; margin: 0 0 6px; }
.controls label { margin-right: 14px; } .controls input[type=text] { width: 7em; }
#diagram { display: block; width: 100%; user-select: none; cursor: grab; }
#diagram.dragging { cursor: grabbing; }
.tick { stroke: #eee; } .axis text { fill: #888; font-size: 11px; } .axis-name { fill: #555 !important; }
.rank-line { stroke: #444; stroke-width: 1.5; } .rank-label { font-weight: 600; fill: #333; }
.msg { stroke: #1f5fbf; stroke-width: 1.6; } .msg.sync { stroke-dasharray: 5 3; }
.msg.coll-msg { stroke: #9a7fd1; stroke-width: 1.1; }
.msg.hover, .unmatched.hover, .coll.hover { stroke: #e8590c; stroke-width: 3; }
.unmatched { stroke: #d62828; stroke-width: 1.6; }
.hit { stroke: transparent; stroke-width: 9; }
.coll { fill: #b197fc; fill-opacity: 0.16; stroke: #9775fa; stroke-opacity: 0.6; }
.coll-span { stroke: #7048e8; stroke-width: 6; stroke-opacity: 0.55; stroke-linecap: round; }
.coll-name { fill: #5f3dc4; font-size: 10px; pointer-events: none; }
.mark { fill: #f59f00; stroke: #a35f00; }
#tip { position: absolute; display: none; background: #fff; border: 1px solid #aaa; border-radius: 4px; padding: 6px 8px;
  white-space: pre; font: 12px ui-monospace, monospace; box-shadow: 0 2px 8px rgba(0,0,0,.15); pointer-events: none; max-width: 520px; }
.legend span { margin-right: 14px; } .sw { display: inline-block; width: 22px; height: 0; border-top: 2px solid; vertical-align: middle; margin-right: 4px; }
</style></head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<div id="summary">${model.np} rank${model.np > 1 ? "s" : ""}, ${delivered} message${delivered === 1 ? "" : "s"} received${model.messages.length > delivered ? `, ${model.messages.length - delivered} never received` : ""}, ${model.collectives.length} collective call${model.collectives.length === 1 ? "" : "s"}, ${duration} ms — <span id="shown"></span></div>
<div class="controls">
<label>ranks <input id="rank-filter" type="text" placeholder="all (e.g. 0,2-3)"></label>
<label>tags <input id="tag-filter" type="text" placeholder="all (e.g. 0,5)"></label>
<label><input id="show-coll" type="checkbox" checked> collective traffic</label>
<label>x axis <select id="axis"><option value="time">wall time</option><option value="causal">causal order</option></select></label>
<button id="zoom-in">zoom in</button> <button id="zoom-out">zoom out</button> <button id="reset">reset</button>
<span class="hint">wheel: zoom · drag: pan · hover: details</span>
</div>
<div class="legend"><span><i class="sw" style="border-color:#1f5fbf"></i>message</span><span><i class="sw" style="border-color:#1f5fbf;border-top-style:dashed"></i>synchronous</span><span><i class="sw" style="border-color:#9a7fd1"></i>collective traffic</span><span><i class="sw" style="border-color:#d62828"></i>never received</span><span><i class="sw" style="border-color:#7048e8;border-top-width:6px"></i>collective call</span><span>◆ mark</span></div>
</header>
<svg id="diagram" xmlns="http://www.w3.org/2000/svg">
<defs>
<marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#1f5fbf"/></marker>
<marker id="head-coll" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#9a7fd1"/></marker>
<marker id="head-lost" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#d62828"/></marker>
</defs>
</svg>
<div id="tip"></div>
<script>const TRACE = ${data};</script>
<script>
${clientScript}
</script>
</body></html>
`;
}
