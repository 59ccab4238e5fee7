// The interactive page of `tsrun view` (inlined after render.js and panels.js by launcher/view/html.ts;
// plain browser JavaScript, no library): turns the node trees they build into SVG elements, and handles
// the view: wheel zooms around the pointer, dragging pans, "fit" zooms to the whole run, hovering shows
// the details (tag, size, communicator, source lines) and highlights a collective's messages; filters:
// ranks ("0,2-3"), tags ("0,5"), collective traffic on/off, and the x axis: wall time from init, or
// causal order (Lamport time: each position once, a send always before its receive).
/* global TRACE, TsmpiRender, TsmpiPanels */
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";
  const R = TsmpiRender;
  const data = TRACE;
  const svg = document.getElementById("diagram");
  const tip = document.getElementById("tip");
  const state = { axis: "time", lo: 0, hi: 1, ranks: null, tags: null, showColl: true };

  function toDom(node) {
    const el = document.createElementNS(SVG, node.tag);
    for (const k in node.attrs) el.setAttribute(k, node.attrs[k]);
    if (node.text !== undefined) el.textContent = node.text;
    for (const kid of node.kids) el.appendChild(toDom(kid));
    return el;
  }

  function show(target, drawn, width) {
    while (target.lastChild) target.removeChild(target.lastChild);
    target.appendChild(toDom(R.defs()));
    target.appendChild(toDom(drawn.root));
    target.setAttribute("width", String(width));
    target.setAttribute("height", String(drawn.height));
    target.setAttribute("viewBox", "0 0 " + width + " " + drawn.height);
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

  const plotWidth = () => (svg.clientWidth || 900) - R.LEFT - (data.deadlock ? 78 : 24);

  let frame = 0;
  function render() {
    frame = 0;
    const width = svg.clientWidth || 900;
    const count = state.ranks ? [...state.ranks].filter((r) => r < data.np).length : data.np;
    const rowH = Math.max(58, Math.min(80, (Math.max(window.innerHeight - 220, 260) - 46) / Math.max(1, count)));
    const drawn = R.diagram(data, {
      axis: state.axis,
      lo: state.lo,
      hi: state.hi,
      width: width,
      rowH: rowH,
      ranks: state.ranks,
      tags: state.tags,
      showColl: state.showColl,
    });
    show(svg, drawn, width);
    svg.style.height = drawn.height + "px";
    document.getElementById("shown").textContent = drawn.shown + " of " + data.messages.length + " messages shown";
  }

  function renderPanels() {
    const waits = document.getElementById("waitfor");
    const width = Math.max(600, document.body.clientWidth - 28);
    if (waits) show(waits, TsmpiPanels.waitFor(data, width, false), width); // the banner above says it
    const time = TsmpiPanels.timeChart(data, Math.min(width, 900));
    show(document.getElementById("time-chart"), time, Math.min(width, 900));
    const bytes = TsmpiPanels.bytesChart(data);
    show(document.getElementById("bytes-chart"), bytes, 620);
  }

  function schedule() {
    if (!frame) frame = requestAnimationFrame(render);
  }

  function fit() {
    const range = R.extent(data, state.axis);
    state.lo = range[0];
    state.hi = range[1];
    schedule();
  }

  function zoom(factor, anchorPx) {
    const at = state.lo + ((anchorPx - R.LEFT) / plotWidth()) * (state.hi - state.lo);
    state.lo = at - (at - state.lo) * factor;
    state.hi = at + (state.hi - at) * factor;
    schedule();
  }

  svg.addEventListener(
    "wheel",
    (ev) => {
      ev.preventDefault();
      const rect = svg.getBoundingClientRect();
      zoom(Math.exp(ev.deltaY * 0.0015), ev.clientX - rect.left);
    },
    { passive: false },
  );

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
      const shift = ((ev.clientX - drag.x) / plotWidth()) * (drag.hi - drag.lo);
      state.lo = drag.lo - shift;
      state.hi = drag.hi - shift;
      schedule();
      return;
    }
    const target = ev.target;
    const text = target && target.getAttribute && target.getAttribute("data-tip");
    for (const h of document.querySelectorAll(".hover")) h.classList.remove("hover");
    if (!text) {
      tip.style.display = "none";
      return;
    }
    tip.textContent = text;
    tip.style.display = "block";
    tip.style.left = Math.min(ev.pageX + 14, window.innerWidth - 380) + "px";
    tip.style.top = ev.pageY + 14 + "px";
    const index = target.getAttribute("data-index");
    const group = target.getAttribute("data-group");
    if (index) svg.querySelector('line.msg[data-index="' + index + '"]').classList.add("hover");
    else if (target.classList) target.classList.add("hover");
    if (group && !index)
      for (const m of svg.querySelectorAll('line.msg[data-group="' + group + '"]')) m.classList.add("hover");
  });

  const plotMiddle = () => R.LEFT + plotWidth() / 2;
  document.getElementById("zoom-in").addEventListener("click", () => zoom(0.5, plotMiddle()));
  document.getElementById("zoom-out").addEventListener("click", () => zoom(2, plotMiddle()));
  document.getElementById("reset").addEventListener("click", fit);
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
    fit();
  });
  window.addEventListener("resize", () => (schedule(), renderPanels()));
  fit();
  render();
  renderPanels();
  document.body.dataset.ready = "true";
})();
