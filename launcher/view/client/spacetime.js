// The space-time diagram of `tsrun view` (inlined into the page by launcher/view/html.ts; plain browser
// JavaScript, no library). One horizontal line per rank, time going right; an arrow per message from its
// send to its receive; a band per collective call from the first rank's entry to the last rank's exit;
// marks as diamonds. Wheel zooms around the pointer, dragging pans, hovering shows tag, size, communicator
// and source lines. Filters: ranks ("0,2-3"), tags ("0,5"), collective traffic on/off, and the x axis:
// wall time, or causal order (the sum of each event's vector clock, which respects happened-before).
/* global TRACE */
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";
  const data = TRACE;
  const svg = document.getElementById("diagram");
  const tip = document.getElementById("tip");
  const LEFT = 78;
  const RIGHT = 24;
  const TOP = 34;
  const state = { axis: "time", lo: 0, hi: 1, ranks: null, tags: null, showColl: true };

  function value(t, x) {
    return state.axis === "time" ? t : x;
  }

  function extent() {
    let lo = Infinity;
    let hi = -Infinity;
    const see = (t, x) => {
      const v = value(t, x);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    };
    for (const list of data.events) for (const e of list) see(e[0], e[1]);
    if (!isFinite(lo)) return [0, 1];
    if (hi - lo < 1e-6) hi = lo + 1;
    const pad = (hi - lo) * 0.03;
    return [lo - pad, hi + pad];
  }

  function parseSet(text) {
    text = text.trim();
    if (!text) return null;
    const out = new Set();
    for (const part of text.split(/[\s,]+/)) {
      const m = /^(\d+)(?:-(\d+))?$/.exec(part);
      if (!m) continue;
      const a = Number(m[1]);
      const b = m[2] === undefined ? a : Number(m[2]);
      for (let i = Math.min(a, b); i <= Math.max(a, b); i++) out.add(i);
    }
    return out;
  }

  function el(name, attrs, parent, text) {
    const node = document.createElementNS(SVG, name);
    for (const k in attrs) node.setAttribute(k, attrs[k]);
    if (text !== undefined) node.textContent = text;
    parent.appendChild(node);
    return node;
  }

  function niceStep(span, target) {
    const raw = span / target;
    const p = Math.pow(10, Math.floor(Math.log10(raw)));
    for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
    return 10 * p;
  }

  let frame = 0;
  function render() {
    frame = 0;
    const width = svg.clientWidth || 900;
    const visible = [];
    for (let r = 0; r < data.np; r++) if (!state.ranks || state.ranks.has(r)) visible.push(r);
    const rowH = Math.max(26, Math.min(70, (Math.max(window.innerHeight - 200, 240) - TOP) / Math.max(1, visible.length)));
    const height = TOP + rowH * visible.length + 20;
    svg.setAttribute("height", String(height));
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    while (svg.lastChild && svg.lastChild.nodeName !== "defs") svg.removeChild(svg.lastChild);
    const y = new Map(visible.map((r, i) => [r, TOP + rowH * (i + 0.5)]));
    const plot = width - LEFT - RIGHT;
    const px = (v) => LEFT + ((v - state.lo) / (state.hi - state.lo)) * plot;
    const inView = (a, b) => Math.max(a, b) >= state.lo && Math.min(a, b) <= state.hi;

    const axis = el("g", { class: "axis" }, svg);
    const step = niceStep(state.hi - state.lo, Math.max(2, Math.floor(plot / 110)));
    for (let v = Math.ceil(state.lo / step) * step; v <= state.hi; v += step) {
      el("line", { x1: px(v), x2: px(v), y1: TOP - 8, y2: height - 16, class: "tick" }, axis);
      const label = state.axis === "time" ? formatMs(v, step) : String(Math.round(v));
      el("text", { x: px(v), y: TOP - 14, "text-anchor": "middle" }, axis, label);
    }
    el("text", { x: 4, y: TOP - 14, class: "axis-name" }, axis, state.axis === "time" ? "time" : "causal order");

    const bands = el("g", { class: "bands" }, svg);
    for (const c of data.collectives) {
      const parts = c.ranks.filter((p) => y.has(p.rank));
      if (!parts.length) continue;
      const x0 = Math.min(...parts.map((p) => value(p.t0, p.x0)));
      const x1 = Math.max(...parts.map((p) => value(p.t1, p.x1)));
      if (!inView(x0, x1)) continue;
      const ys = parts.map((p) => y.get(p.rank));
      const top = Math.min(...ys) - rowH * 0.32;
      const bottom = Math.max(...ys) + rowH * 0.32;
      const tipText = collectiveTip(c);
      el("rect", { class: "coll", x: px(x0), y: top, width: Math.max(3, px(x1) - px(x0)), height: bottom - top, rx: 4, "data-tip": tipText, "data-name": c.name }, bands);
      for (const p of parts) {
        el("line", { class: "coll-span", x1: px(value(p.t0, p.x0)), x2: Math.max(px(value(p.t0, p.x0)) + 2, px(value(p.t1, p.x1))), y1: y.get(p.rank), y2: y.get(p.rank), "data-tip": tipText }, bands);
      }
      el("text", { class: "coll-name", x: px(x0) + 3, y: top + 11 }, bands, c.name + (c.root !== undefined ? "(" + c.root + ")" : ""));
    }

    const lines = el("g", { class: "ranks" }, svg);
    for (const r of visible) {
      el("line", { class: "rank-line", x1: LEFT, x2: width - RIGHT, y1: y.get(r), y2: y.get(r), "data-rank": r }, lines);
      el("text", { class: "rank-label", x: 8, y: y.get(r) + 4 }, lines, "rank " + r);
    }

    const arrows = el("g", { class: "messages" }, svg);
    let shown = 0;
    for (const m of data.messages) {
      if (!y.has(m.s) || !y.has(m.r)) continue;
      if (state.tags && !state.tags.has(m.tag)) continue;
      if (m.coll && !state.showColl) continue;
      const a = value(m.ts, m.xs);
      const b = value(m.tr, m.xr);
      if (!inView(a, b)) continue;
      shown++;
      const ends = { x1: px(a), y1: y.get(m.s), x2: px(b), y2: y.get(m.r) };
      el("line", Object.assign({
        class: "msg" + (m.coll ? " coll-msg" : "") + (m.sync ? " sync" : ""),
        "marker-end": m.coll ? "url(#head-coll)" : "url(#head)",
        "data-tip": messageTip(m), "data-tag": m.tag, "data-from": m.s, "data-to": m.r, "data-index": shown,
      }, ends), arrows);
      // a wider invisible twin, so that hovering a thin arrow is easy
      el("line", Object.assign({ class: "hit", "data-tip": messageTip(m), "data-index": shown }, ends), arrows);
    }
    for (const u of data.unmatched) {
      if (!y.has(u.s) || (state.tags && !state.tags.has(u.tag))) continue;
      const a = value(u.ts, u.xs);
      if (!inView(a, a)) continue;
      const dir = y.has(u.peer) && y.get(u.peer) < y.get(u.s) ? -1 : 1;
      el("line", { class: "unmatched", x1: px(a), y1: y.get(u.s), x2: px(a) + 14, y2: y.get(u.s) + dir * rowH * 0.4, "marker-end": "url(#head-lost)", "data-tip": "never received: send to rank " + u.peer + ", tag " + u.tag + ", " + u.size + " bytes, " + u.comm + (u.site ? "\nsent at " + u.site : "") }, arrows);
    }
    const marks = el("g", { class: "marks" }, svg);
    for (const k of data.marks) {
      if (!y.has(k.rank)) continue;
      const v = value(k.t, k.x);
      if (!inView(v, v)) continue;
      const cx = px(v);
      const cy = y.get(k.rank);
      el("path", { class: "mark", d: "M" + cx + " " + (cy - 7) + "l6 7l-6 7l-6 -7z", "data-tip": "mark: " + k.text + (k.site ? "\nat " + k.site : "") }, marks);
    }
    document.getElementById("shown").textContent = shown + " of " + data.messages.length + " messages shown";
  }

  function formatMs(v, step) {
    const digits = step >= 1 ? 0 : Math.min(3, Math.ceil(-Math.log10(step)));
    return v.toFixed(digits) + " ms";
  }

  function messageTip(m) {
    return (m.coll ? "collective traffic" : "message") + ": rank " + m.s + " → rank " + m.r + ", tag " + m.tag + ", " + m.size + (m.size === 1 ? " byte, " : " bytes, ") + m.comm +
      (m.sync ? " (synchronous)" : "") + "\nsent at " + m.ts.toFixed(3) + " ms" + (m.siteS ? " by " + m.siteS : "") +
      "\nreceived at " + m.tr.toFixed(3) + " ms" + (m.siteR ? " by " + m.siteR : "") + "\nid " + m.id;
  }

  function collectiveTip(c) {
    return c.name + (c.root !== undefined ? " root=" + c.root : "") + (c.op ? " op=" + c.op : "") + " on " + c.comm + " (collective #" + c.seq + ")\n" +
      c.ranks.map((p) => "rank " + p.rank + ": " + p.t0.toFixed(3) + "–" + p.t1.toFixed(3) + " ms" + (p.site ? " at " + p.site : "")).join("\n");
  }

  function schedule() {
    if (!frame) frame = requestAnimationFrame(render);
  }

  function reset() {
    const [lo, hi] = extent();
    state.lo = lo;
    state.hi = hi;
    schedule();
  }

  function zoom(factor, anchorPx) {
    const width = svg.clientWidth || 900;
    const plot = width - LEFT - RIGHT;
    const at = state.lo + ((anchorPx - LEFT) / plot) * (state.hi - state.lo);
    state.lo = at - (at - state.lo) * factor;
    state.hi = at + (state.hi - at) * factor;
    schedule();
  }

  svg.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const rect = svg.getBoundingClientRect();
    zoom(Math.exp(ev.deltaY * 0.0015), ev.clientX - rect.left);
  }, { passive: false });

  let drag = null;
  svg.addEventListener("mousedown", (ev) => {
    drag = { x: ev.clientX, lo: state.lo, hi: state.hi };
    svg.classList.add("dragging");
  });
  window.addEventListener("mouseup", () => {
    drag = null;
    svg.classList.remove("dragging");
  });
  window.addEventListener("mousemove", (ev) => {
    if (drag) {
      const plot = (svg.clientWidth || 900) - LEFT - RIGHT;
      const shift = ((ev.clientX - drag.x) / plot) * (drag.hi - drag.lo);
      state.lo = drag.lo - shift;
      state.hi = drag.hi - shift;
      schedule();
      return;
    }
    const target = ev.target;
    const text = target && target.getAttribute && target.getAttribute("data-tip");
    if (text) {
      tip.textContent = text;
      tip.style.display = "block";
      tip.style.left = Math.min(ev.pageX + 14, window.innerWidth - 360) + "px";
      tip.style.top = ev.pageY + 14 + "px";
      for (const h of svg.querySelectorAll(".hover")) h.classList.remove("hover");
      const index = target.getAttribute("data-index");
      const shownAs = index ? svg.querySelector('line.msg[data-index="' + index + '"]') : target;
      if (shownAs && shownAs.classList) shownAs.classList.add("hover");
    } else {
      tip.style.display = "none";
      for (const h of svg.querySelectorAll(".hover")) h.classList.remove("hover");
    }
  });

  document.getElementById("zoom-in").addEventListener("click", () => zoom(0.5, LEFT + ((svg.clientWidth || 900) - LEFT - RIGHT) / 2));
  document.getElementById("zoom-out").addEventListener("click", () => zoom(2, LEFT + ((svg.clientWidth || 900) - LEFT - RIGHT) / 2));
  document.getElementById("reset").addEventListener("click", reset);
  document.getElementById("rank-filter").addEventListener("input", (ev) => {
    state.ranks = parseSet(ev.target.value);
    schedule();
  });
  document.getElementById("tag-filter").addEventListener("input", (ev) => {
    state.tags = parseSet(ev.target.value);
    schedule();
  });
  document.getElementById("show-coll").addEventListener("change", (ev) => {
    state.showColl = ev.target.checked;
    schedule();
  });
  document.getElementById("axis").addEventListener("change", (ev) => {
    state.axis = ev.target.value;
    reset();
  });
  window.addEventListener("resize", schedule);
  reset();
  render();
  document.body.dataset.ready = "true";
})();
