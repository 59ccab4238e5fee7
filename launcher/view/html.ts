// `tsrun view DIR`: one self-contained HTML file (no network access: data, scripts and style inline) with
// the space-time diagram of a trace, how the job ended (a deadlock's wait-for graph and hint, drawn in the
// page: no graphviz needed) and where the time went (launcher/view/client/*.js draw them from viewData).
import type { TraceModel } from "./trace.ts";
import { viewData, type ViewData } from "./data.ts";
import { escapeHtml } from "./live-page.ts";
import { loadDrawing, pageScripts } from "./scripts.ts";

export { viewData };

export function viewTitle(model: TraceModel): string {
  return `tsmpi trace${model.meta.program ? ` — ${model.meta.program.split("/").pop()}` : ""}`;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

function outcomeBanner(data: ViewData): string {
  const o = data.outcome;
  if (o.kind === "finished" || o.kind === "unknown") return "";
  const first = (o.report ?? "").split("\n")[0].replace(/^tsrun:\s*/, "");
  const what =
    o.kind === "deadlock"
      ? "The job deadlocked"
      : o.kind === "timeout"
        ? "The job exceeded --timeout"
        : `The job was stopped (exit code ${o.code})`;
  const hint = /^\s*hint:\s*(.*)$/m.exec(o.report ?? "")?.[1];
  const causes = (o.report ?? "")
    .split("\n")
    .filter((l) => /mismatch\?$/.test(l))
    .map((l) => `<div class="cause">${escapeHtml(l.trim())}</div>`)
    .join("");
  return `<div id="outcome" class="outcome ${o.kind}" data-kind="${o.kind}"><b>${what}.</b> ${escapeHtml(first)}${causes}${hint ? `<div class="hint"><b>hint:</b> ${escapeHtml(hint)}</div>` : ""}
<div>Calls still blocked when it ended are drawn to the end in red${o.kind === "deadlock" ? ", the wait-for cycle as red arrows, and the wait-for graph below the diagram" : ""}.</div>
${o.report ? `<details><summary>tsrun's report</summary><pre>${escapeHtml(o.report)}</pre></details>` : ""}</div>`;
}

export function viewHtml(model: TraceModel): string {
  const data = viewData(model);
  const json = JSON.stringify(data).replace(/</g, "\\u003c");
  const title = viewTitle(model);
  const delivered = model.messages.filter((m) => m.recv).length;
  const lost = model.messages.length - delivered;
  const { TsmpiRender, TsmpiPanels } = loadDrawing();
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body { font: 13px system-ui, sans-serif; margin: 0; color: #222; }
header { padding: 10px 14px; background: #f4f5f7; border-bottom: 1px solid #ddd; }
h1 { font-size: 15px; margin: 0 0 6px; } h2 { font-size: 14px; margin: 14px 14px 4px; }
.controls label { margin-right: 14px; } .controls input[type=text] { width: 7em; }
svg { display: block; } #diagram { width: 100%; user-select: none; cursor: grab; } #diagram.dragging { cursor: grabbing; }
.outcome { margin: 8px 14px; padding: 8px 12px; border-left: 4px solid #c92a2a; background: #fff5f5; }
.outcome.timeout, .outcome.stopped { border-color: #e67700; background: #fff9db; } .outcome .hint { margin: 4px 0; }
.outcome .cause { margin: 4px 0; font-weight: 600; color: #a61e4d; }
.outcome pre { font: 12px ui-monospace, monospace; white-space: pre-wrap; }
#tip { position: absolute; display: none; background: #fff; border: 1px solid #aaa; border-radius: 4px; padding: 6px 8px;
  white-space: pre; font: 12px ui-monospace, monospace; box-shadow: 0 2px 8px rgba(0,0,0,.15); pointer-events: none; max-width: 560px; }
.legend span { margin-right: 14px; } .sw { display: inline-block; width: 22px; height: 0; border-top: 2px solid; vertical-align: middle; margin-right: 4px; }
.box { display: inline-block; width: 16px; height: 9px; vertical-align: middle; margin-right: 4px; }
.panels { display: flex; flex-wrap: wrap; gap: 12px; padding: 0 14px 20px; }
${TsmpiRender.CSS}
${TsmpiPanels.CSS}
</style></head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<div id="summary">${plural(model.np, "rank")}, ${plural(delivered, "message")} received${lost ? `, ${lost} never received` : ""}, ${plural(model.collectives.length, "collective call")}, ${data.end.toFixed(3)} ms from init to the end — <span id="shown"></span></div>
<div class="controls">
<label>ranks <input id="rank-filter" type="text" placeholder="all (e.g. 0,2-3)"></label>
<label>tags <input id="tag-filter" type="text" placeholder="all (e.g. 0,5)"></label>
<label><input id="show-coll" type="checkbox" checked> collective traffic</label>
<label>x axis <select id="axis"><option value="time">wall time from init</option><option value="causal">causal order (Lamport time)</option></select></label>
<button id="zoom-in">zoom in</button> <button id="zoom-out">zoom out</button> <button id="reset">fit</button>
<span class="hint">wheel: zoom · drag: pan · hover: details</span>
</div>
<div class="legend"><span><i class="sw" style="border-color:#1f5fbf"></i>message</span><span><i class="sw" style="border-color:#1f5fbf;border-top-style:dashed"></i>synchronous</span><span><i class="sw" style="border-color:#9a7fd1"></i>collective traffic</span><span><i class="sw" style="border-color:#d62828;border-top-style:dashed"></i>never received</span><span><i class="sw" style="border-color:#7048e8;border-top-width:6px"></i>collective call</span><span><i class="box" style="background:#f8c36a"></i>waiting in an MPI call</span><span><i class="box" style="background:#ffc9c9;border:1px solid #c92a2a"></i>still blocked at the end</span><span>◆ mark</span></div>
</header>
${outcomeBanner(data)}
<svg id="diagram" xmlns="http://www.w3.org/2000/svg"></svg>
${data.deadlock ? `<h2>Wait-for graph (an arrow: "waits for")</h2>\n<svg id="waitfor" xmlns="http://www.w3.org/2000/svg"></svg>` : ""}
<h2>Where the time went</h2>
<div class="panels"><svg id="time-chart" xmlns="http://www.w3.org/2000/svg"></svg><svg id="bytes-chart" xmlns="http://www.w3.org/2000/svg"></svg></div>
<div id="tip"></div>
<script>const TRACE = ${json};</script>
<script>
${pageScripts()}
</script>
</body></html>
`;
}
