// The space-time diagram of `tsrun view`, as a tree of SVG nodes ({tag, attrs, kids, text}) built from the
// page's data (launcher/view/data.ts) and a view (axis, range, width, filters). Plain JavaScript with no
// library and no DOM: the page turns the tree into elements (spacetime.js) and `tsrun view --svg` turns it
// into text (serialize), so the page and the exported SVG draw exactly the same thing. One line per rank;
// an arrow per message; a bar per blocked MPI call labelled with the call and the user's file:line (kept
// to the end and marked when the job ended with the rank still blocked); a band per collective call with
// its algorithm's messages inside; unmatched messages drawn to their destination with tag and size; the
// deadlock's wait-for cycle as red arrows between the blocked bars. Labels are placed in lanes by a
// collision check on their boxes (monospace text, so a label's width is known without a browser): a label
// that fits in no lane is left out (its text stays in the hover details).
/* exported TsmpiRender */

var TsmpiRender = (function () {
  "use strict";
  const LEFT = 78;
  const TOP = 46;
  const CHAR_W = 6.8; // DejaVu Sans Mono / monospace at 11px: 0.6 em per character, rounded up
  const LABEL_H = 13;
  const FONT = "DejaVu Sans Mono, Liberation Mono, monospace";

  const CSS = [
    "text { font: 11px " + FONT + "; fill: #333; }",
    ".tick { stroke: #eee; } .axis text { fill: #888; } .axis-name { fill: #555 !important; }",
    ".rank-line { stroke: #444; stroke-width: 1.5; } .rank-label { font-weight: bold; }",
    ".msg { stroke: #1f5fbf; stroke-width: 1.6; } .msg.sync { stroke-dasharray: 5 3; }",
    ".msg.coll-msg { stroke: #9a7fd1; stroke-width: 1.1; }",
    ".msg.hover, .unmatched.hover, .coll.hover, .bar.hover { stroke: #e8590c; stroke-width: 3; }",
    ".unmatched { stroke: #d62828; stroke-width: 2; stroke-dasharray: 6 3; fill: none; }",
    ".hit { stroke: transparent; stroke-width: 9; }",
    ".coll { fill: #b197fc; fill-opacity: 0.14; stroke: #9775fa; stroke-opacity: 0.6; }",
    ".coll-span { stroke: #7048e8; stroke-width: 6; stroke-opacity: 0.55; stroke-linecap: round; }",
    ".label.coll-name { fill: #5f3dc4; } .label.lost { fill: #c92a2a; } .label.open { fill: #c92a2a; font-weight: bold; }",
    ".bar { fill: #f59f00; fill-opacity: 0.55; stroke: #e67700; stroke-width: 1; }",
    ".bar.open { fill: #ffc9c9; fill-opacity: 0.9; stroke: #c92a2a; stroke-width: 1.5; }",
    ".bar-end { fill: #c92a2a; }",
    ".wait-edge { stroke: #c92a2a; stroke-width: 2.2; fill: none; }",
    ".init-marker { stroke: #2b8a3e; stroke-width: 1.5; stroke-dasharray: 4 3; } .label.init { fill: #2b8a3e; }",
    ".mark { fill: #f59f00; stroke: #a35f00; }",
    ".note { fill: #c92a2a; } .note.hint { fill: #333; }",
    ".label { paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }",
  ].join("\n");

  function n(tag, attrs, kids, text) {
    return { tag: tag, attrs: attrs || {}, kids: kids || [], text: text };
  }

  function defs() {
    const head = (id, color, size) =>
      n(
        "marker",
        {
          id: id,
          viewBox: "0 0 10 10",
          refX: 9,
          refY: 5,
          markerWidth: size,
          markerHeight: size,
          orient: "auto-start-reverse",
        },
        [n("path", { d: "M0 0L10 5L0 10z", fill: color })],
      );
    return n("defs", {}, [
      head("head", "#1f5fbf", 7),
      head("head-coll", "#9a7fd1", 6),
      head("head-lost", "#d62828", 7),
      head("head-wait", "#c92a2a", 6),
    ]);
  }

  /** The range the view fits to: from time zero (init done) to the end in wall time; every position in causal order. */
  function extent(data, axis) {
    if (axis === "causal") return [0.5, data.lamportMax + 0.5 + Math.max(1, data.lamportMax * 0.04)];
    const hi = Math.max(data.end, 1e-3);
    return [-hi * 0.02, hi * 1.04];
  }

  function niceStep(span, target) {
    const raw = span / target;
    const p = Math.pow(10, Math.floor(Math.log10(raw)));
    for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
    return 10 * p;
  }

  function formatMs(v, step) {
    const digits = step >= 1 ? 0 : Math.min(3, Math.ceil(-Math.log10(step)));
    return (Math.abs(v) < step / 2 ? 0 : v).toFixed(digits) + " ms";
  }

  const fileLine = (site) => (site ? site.replace(/^.*\//, "").replace(/:\d+$/, "") : "");
  const bytes = (size) => size + (size === 1 ? " byte" : " bytes");

  /** Places labels so that no two boxes intersect: the first free lane among the candidates, else none. */
  function Placer(minX, maxX) {
    const boxes = [];
    const free = (b) => boxes.every((o) => b.x1 <= o.x0 || b.x0 >= o.x1 || b.y1 <= o.y0 || b.y0 >= o.y1);
    return {
      reserve(x0, y0, x1, y1) {
        boxes.push({ x0: x0, y0: y0, x1: x1, y1: y1 });
      },
      /** text at x (start), baselines tried in order; returns the text node or null. */
      place(text, x, baselines, attrs) {
        const w = text.length * CHAR_W;
        const left = Math.max(minX, Math.min(x, maxX - w));
        for (const y of baselines) {
          const box = { x0: left - 1, y0: y - LABEL_H + 2, x1: left + w + 1, y1: y + 4 };
          if (!free(box)) continue;
          boxes.push(box);
          return n("text", Object.assign({ x: left, y: y }, attrs), [], text);
        }
        return null;
      },
    };
  }

  /** The diagram for view v = {axis, lo, hi, width, rowH, ranks, tags, showColl}; returns {root, height}. */
  function diagram(data, v) {
    const right = data.deadlock ? 78 : 24;
    const visible = [];
    for (let r = 0; r < data.np; r++) if (!v.ranks || v.ranks.has(r)) visible.push(r);
    const rowH = v.rowH;
    const height = TOP + rowH * visible.length + 16;
    const width = v.width;
    const y = new Map(visible.map((r, i) => [r, TOP + rowH * (i + 0.5)]));
    const plot = width - LEFT - right;
    const val = (t, x) => (v.axis === "time" ? t : x);
    const px = (value) => LEFT + ((value - v.lo) / (v.hi - v.lo)) * plot;
    const clampX = (x) => Math.max(LEFT, Math.min(width - right, x));
    const inView = (a, b) => Math.max(a, b) >= v.lo && Math.min(a, b) <= v.hi;
    const lanes = (yy) =>
      [yy - 8, yy + 17, yy - 21, yy + 30].filter((b) => b - LABEL_H > yy - rowH / 2 && b + 3 < yy + rowH / 2);
    const placer = Placer(LEFT, width - right);
    const root = n("g", { class: "diagram" });
    const add = (parent, node) => (node && parent.kids.push(node), node);

    const axis = add(root, n("g", { class: "axis" }));
    const span = v.hi - v.lo;
    const step =
      v.axis === "time"
        ? niceStep(span, Math.max(2, Math.floor(plot / 110)))
        : Math.max(1, Math.ceil(niceStep(span, Math.max(2, Math.floor(plot / 60)))));
    for (let k = Math.ceil(v.lo / step); k * step <= v.hi; k++) {
      const value = k * step;
      if (v.axis === "causal" && value < 1) continue;
      add(axis, n("line", { x1: px(value), x2: px(value), y1: TOP - 12, y2: height - 12, class: "tick" }));
      const text = v.axis === "time" ? formatMs(value, step) : String(value);
      placer.reserve(px(value) - (text.length * CHAR_W) / 2 - 2, 8, px(value) + (text.length * CHAR_W) / 2 + 2, 24);
      add(axis, n("text", { x: px(value), y: 20, "text-anchor": "middle", class: "tick-label" }, [], text));
    }
    add(axis, n("text", { x: 4, y: 20, class: "axis-name" }, [], v.axis === "time" ? "time" : "causal order"));
    placer.reserve(0, 8, 4 + 12 * CHAR_W, 24);
    if (v.axis === "time" && inView(0, 0)) {
      add(axis, n("line", { class: "init-marker", x1: px(0), x2: px(0), y1: TOP - 10, y2: height - 12 }));
      const folded =
        data.startup > 0 ? " (start-up " + formatMs(data.startup, data.startup >= 10 ? 1 : 0.1) + " folded)" : "";
      add(
        axis,
        placer.place("init" + folded, px(0) + 3, [TOP - 4], {
          class: "label init",
          "data-tip":
            "time 0: every rank has returned from init" +
            (folded
              ? "; the " + formatMs(data.startup, 0.1) + " before it (starting node, connecting the ranks) is not shown"
              : ""),
        }),
      );
    }

    const lines = add(root, n("g", { class: "ranks" }));
    for (const r of visible) {
      add(
        lines,
        n("line", { class: "rank-line", x1: LEFT, x2: width - right, y1: y.get(r), y2: y.get(r), "data-rank": r }),
      );
      add(lines, n("text", { class: "rank-label", x: 8, y: y.get(r) + 4 }, [], "rank " + r));
      placer.reserve(6, y.get(r) - 9, 8 + 7 * CHAR_W, y.get(r) + 5);
    }

    const bands = add(root, n("g", { class: "bands" }));
    const collLabels = [];
    data.collectives.forEach((c, ci) => {
      const parts = c.ranks.filter((p) => y.has(p.rank));
      if (!parts.length) return;
      const x0 = Math.min(...parts.map((p) => val(p.t0, p.x0)));
      const x1 = Math.max(...parts.map((p) => val(p.t1, p.x1)));
      if (!inView(x0, x1)) return;
      const ys = parts.map((p) => y.get(p.rank));
      const top = Math.min(...ys) - rowH * 0.3;
      const bottom = Math.max(...ys) + rowH * 0.3;
      const tip = collectiveTip(c);
      add(
        bands,
        n("rect", {
          class: "coll",
          x: clampX(px(x0)),
          y: top,
          width: Math.max(3, clampX(px(x1)) - clampX(px(x0))),
          height: bottom - top,
          rx: 4,
          "data-tip": tip,
          "data-name": c.name,
          "data-group": ci,
        }),
      );
      for (const p of parts) {
        const a = px(val(p.t0, p.x0));
        add(
          bands,
          n("line", {
            class: "coll-span",
            x1: clampX(a),
            x2: clampX(Math.max(a + 2, px(val(p.t1, p.x1)))),
            y1: y.get(p.rank),
            y2: y.get(p.rank),
            "data-tip": tip,
            "data-group": ci,
          }),
        );
      }
      collLabels.push({
        text: c.name + (c.root !== undefined ? "(root " + c.root + ")" : ""),
        x: clampX(px(x0)) + 2,
        yy: Math.min(...ys),
        tip: tip,
        group: ci,
      });
    });

    const bars = add(root, n("g", { class: "bars" }));
    const barLabels = [];
    const openEnds = new Map();
    for (const b of data.bars) {
      if (!y.has(b.rank) || (b.coll && !b.open)) continue;
      const a = val(b.t0, b.x0);
      const z = val(b.t1, b.x1);
      if (!inView(a, z)) continue;
      const yy = y.get(b.rank);
      const x0 = clampX(px(a));
      const x1 = clampX(Math.max(px(z), px(a) + 2));
      const label = b.call + (b.site ? " · " + fileLine(b.site) : "");
      const tip =
        (b.open ? "still blocked when the job ended (" + data.outcome.kind + "): " : "blocked in ") +
        b.call +
        (b.site ? "\nat " + b.site : "") +
        "\nfrom " +
        b.t0.toFixed(3) +
        " ms" +
        (b.open ? "" : " to " + b.t1.toFixed(3) + " ms (" + (b.t1 - b.t0).toFixed(3) + " ms)");
      add(
        bars,
        n("rect", {
          class: "bar" + (b.open ? " open" : ""),
          x: x0,
          y: yy - 5,
          width: Math.max(2, x1 - x0),
          height: 10,
          rx: 2,
          "data-tip": tip,
          "data-rank": b.rank,
          "data-call": b.call,
          "data-site": b.site || "",
          "data-open": b.open ? "true" : "false",
        }),
      );
      if (b.open) {
        add(bars, n("rect", { class: "bar-end", x: x1 - 3, y: yy - 8, width: 3, height: 16, "data-tip": tip }));
        openEnds.set(b.rank, x1);
        barLabels.push({ text: label + " · still blocked", x: x0, yy: yy, tip: tip, open: true });
      } else if (x1 - x0 >= 24 && !b.coll) barLabels.push({ text: label, x: x0, yy: yy, tip: tip, open: false });
    }

    const arrows = add(root, n("g", { class: "messages" }));
    let shown = 0;
    data.messages.forEach((m, i) => {
      if (!y.has(m.s) || !y.has(m.r) || (v.tags && !v.tags.has(m.tag)) || (m.coll && !v.showColl)) return;
      const a = val(m.ts, m.xs);
      const b = val(m.tr, m.xr);
      if (!inView(a, b)) return;
      shown++;
      const ends = { x1: px(a), y1: y.get(m.s), x2: px(b), y2: y.get(m.r) };
      const tip = messageTip(m);
      add(
        arrows,
        n(
          "line",
          Object.assign(
            {
              class: "msg" + (m.coll ? " coll-msg" : "") + (m.sync ? " sync" : ""),
              "marker-end": m.coll ? "url(#head-coll)" : "url(#head)",
              "data-tip": tip,
              "data-tag": m.tag,
              "data-from": m.s,
              "data-to": m.r,
              "data-index": i,
              "data-group": m.group === undefined ? "" : m.group,
            },
            ends,
          ),
        ),
      );
      add(arrows, n("line", Object.assign({ class: "hit", "data-tip": tip, "data-index": i }, ends)));
    });
    const lostLabels = [];
    for (const u of data.unmatched) {
      if (!y.has(u.s) || !y.has(u.r) || (v.tags && !v.tags.has(u.tag))) continue;
      const a = val(u.ts, u.xs);
      if (!inView(a, a)) continue;
      const x1 = px(a);
      const x2 = clampX(Math.max(x1 + 36, px(val(u.ts, u.xs + 1))));
      const tip =
        "never received: rank " +
        u.s +
        " → rank " +
        u.r +
        ", tag " +
        u.tag +
        ", " +
        bytes(u.size) +
        ", " +
        u.comm +
        (u.site ? "\nsent at " + u.site : "") +
        "\nit waited at rank " +
        u.r +
        " for a receive with this source and tag";
      add(
        arrows,
        n("line", {
          class: "unmatched",
          x1: x1,
          y1: y.get(u.s),
          x2: x2,
          y2: y.get(u.r),
          "marker-end": "url(#head-lost)",
          "data-tip": tip,
          "data-tag": u.tag,
          "data-from": u.s,
          "data-to": u.r,
        }),
      );
      lostLabels.push({
        text:
          "tag " +
          u.tag +
          ", " +
          bytes(u.size) +
          " · never received" +
          (u.site ? " · sent at " + fileLine(u.site) : ""),
        x: x2 + 4,
        yy: y.get(u.r),
        tip: tip,
      });
    }

    const marks = add(root, n("g", { class: "marks" }));
    for (const k of data.marks) {
      if (!y.has(k.rank)) continue;
      const value = val(k.t, k.x);
      if (!inView(value, value)) continue;
      const cx = px(value);
      const cy = y.get(k.rank);
      add(
        marks,
        n("path", {
          class: "mark",
          d: "M" + cx + " " + (cy - 7) + "l6 7l-6 7l-6 -7z",
          "data-tip": "mark: " + k.text + (k.site ? "\nat " + k.site : ""),
        }),
      );
    }

    if (data.deadlock) {
      const edges = add(root, n("g", { class: "wait-edges" }));
      for (const e of data.deadlock.edges) {
        if (!e.cycle || !openEnds.has(e.from) || !openEnds.has(e.to)) continue;
        const xa = openEnds.get(e.from);
        const xb = openEnds.get(e.to);
        const ya = y.get(e.from);
        const yb = y.get(e.to);
        const bulge = 16 + 10 * Math.abs(visible.indexOf(e.to) - visible.indexOf(e.from));
        const d =
          e.from === e.to
            ? "M" +
              xa +
              " " +
              (ya - 6) +
              " C" +
              (xa + 40) +
              " " +
              (ya - 30) +
              " " +
              (xa + 40) +
              " " +
              (ya + 30) +
              " " +
              (xa + 2) +
              " " +
              (ya + 7)
            : "M" +
              (xa + 2) +
              " " +
              ya +
              " Q" +
              (Math.max(xa, xb) + bulge) +
              " " +
              (ya + yb) / 2 +
              " " +
              (xb + 4) +
              " " +
              (yb + (yb > ya ? -6 : 6));
        add(
          edges,
          n("path", {
            class: "wait-edge",
            d: d,
            "marker-end": "url(#head-wait)",
            "data-from": e.from,
            "data-to": e.to,
            "data-tip":
              "rank " +
              e.from +
              " waits for rank " +
              e.to +
              (e.from === e.to ? " (itself)" : "") +
              ": a cycle in the wait-for graph, so none of them can continue",
          }),
        );
      }
    }

    // Labels last, most important first: still-blocked calls, unmatched messages, collectives, other waits.
    const labels = add(root, n("g", { class: "labels" }));
    const put = (l, cls) =>
      add(labels, placer.place(l.text, l.x, lanes(l.yy), { class: "label " + cls, "data-tip": l.tip }));
    for (const l of barLabels.filter((b) => b.open)) put(l, "bar-label open");
    for (const l of lostLabels) put(l, "lost");
    for (const l of collLabels) put(l, "coll-name");
    for (const l of barLabels.filter((b) => !b.open)) put(l, "bar-label");
    return { root: root, height: height, shown: shown };
  }

  function messageTip(m) {
    return (
      (m.coll ? "collective traffic" : "message") +
      ": rank " +
      m.s +
      " → rank " +
      m.r +
      ", tag " +
      m.tag +
      ", " +
      bytes(m.size) +
      ", " +
      m.comm +
      (m.sync ? " (synchronous)" : "") +
      "\nsent at " +
      m.ts.toFixed(3) +
      " ms" +
      (m.siteS ? " by " + m.siteS : "") +
      "\nreceived at " +
      m.tr.toFixed(3) +
      " ms" +
      (m.siteR ? " by " + m.siteR : "") +
      "\nid " +
      m.id
    );
  }

  function collectiveTip(c) {
    return (
      c.name +
      (c.root !== undefined ? " root=" + c.root : "") +
      (c.op ? " op=" + c.op : "") +
      " on " +
      c.comm +
      " (collective #" +
      c.seq +
      ", " +
      c.messages +
      " message" +
      (c.messages === 1 ? "" : "s") +
      " inside)\n" +
      c.ranks
        .map(
          (p) =>
            "rank " + p.rank + ": " + p.t0.toFixed(3) + "–" + p.t1.toFixed(3) + " ms" + (p.site ? " at " + p.site : ""),
        )
        .join("\n")
    );
  }

  const escapeXml = (s) =>
    String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

  /** The tree as SVG text. */
  function serialize(node) {
    const attrs = Object.keys(node.attrs)
      .map(
        (k) =>
          " " +
          k +
          '="' +
          escapeXml(typeof node.attrs[k] === "number" ? Math.round(node.attrs[k] * 100) / 100 : node.attrs[k]) +
          '"',
      )
      .join("");
    const inner = (node.text !== undefined ? escapeXml(node.text) : "") + node.kids.map(serialize).join("");
    return "<" + node.tag + attrs + (inner ? ">" + inner + "</" + node.tag + ">" : "/>");
  }

  return {
    CSS: CSS,
    LEFT: LEFT,
    CHAR_W: CHAR_W,
    n: n,
    defs: defs,
    extent: extent,
    diagram: diagram,
    serialize: serialize,
    Placer: Placer,
    bytes: bytes,
    fileLine: fileLine,
  };
})();
