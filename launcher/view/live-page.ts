// The page of `tsrun --live` (self-contained: no external script, style or font). One table row per
// rank — its state (running, blocked in what and where, in finalize, exited) and its message counts —
// updated from the launcher's WebSocket; the header says whether the page is connected and when the job
// ended. Element ids and data attributes are stable: the browser test reads them.

export function livePage(np: number, program: string): string {
  const rows = Array.from(
    { length: np },
    (_, r) =>
      `<tr data-rank="${r}"><td>${r}</td><td class="state">waiting for the first poll…</td><td class="sent">–</td><td class="received">–</td></tr>`,
  ).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>tsrun live: ${escapeHtml(program)}</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.2em; } #status { font-weight: bold; }
table { border-collapse: collapse; min-width: 40em; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: left; vertical-align: top; }
td.sent, td.received { text-align: right; font-variant-numeric: tabular-nums; }
tr[data-status="blocked"] td.state { color: #a15c00; }
tr[data-status="exited"] td.state, tr[data-status="finalize"] td.state { color: #777; }
tr[data-status="silent"] td.state { color: #555; font-style: italic; }
code { font-size: 0.95em; }
</style></head>
<body>
<h1>tsrun live view — ${escapeHtml(program)}, ${np} rank${np > 1 ? "s" : ""}</h1>
<p>Status: <span id="status">connecting…</span> <span id="updated"></span></p>
<table id="ranks"><thead><tr><th>rank</th><th>state</th><th>messages sent</th><th>messages received</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<script>
(() => {
  const token = new URLSearchParams(location.search).get("token") || "";
  const status = document.getElementById("status");
  const updated = document.getElementById("updated");
  let ended = false;
  function show(ranks) {
    for (const r of ranks) {
      const row = document.querySelector('tr[data-rank="' + r.rank + '"]');
      if (!row) continue;
      row.dataset.status = r.status;
      row.querySelector(".state").textContent = r.text;
      row.querySelector(".sent").textContent = r.sent === null ? "–" : String(r.sent);
      row.querySelector(".received").textContent = r.received === null ? "–" : String(r.received);
    }
  }
  const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws?token=" + encodeURIComponent(token));
  ws.onopen = () => { status.textContent = "connected, job running"; };
  ws.onmessage = (e) => {
    const msg = JSON.parse(e.data);
    show(msg.ranks);
    if (msg.t === "end") {
      ended = true;
      status.textContent = "job ended with exit code " + msg.code;
      document.body.dataset.ended = String(msg.code);
    } else {
      updated.textContent = "(updated " + new Date(msg.time).toLocaleTimeString() + ")";
    }
  };
  ws.onclose = () => { if (!ended) status.textContent = "disconnected (tsrun has ended)"; };
})();
</script>
</body></html>
`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
