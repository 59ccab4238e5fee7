// The panels under the space-time diagram of `tsrun view`, as SVG node trees (see render.js, whose node
// helper, placer and serializer they use): the deadlock's wait-for graph (tsrun's .dot graph, laid out here
// so that no graphviz is needed: the blocked ranks on an ellipse, red arrows along the cycle, the hint
// underneath), and where the time went (per rank a stacked bar of computing / communicating / blocked
// time, and the bytes each pair of ranks exchanged as a matrix with the busiest pairs listed).
/* global TsmpiRender */
/* exported TsmpiPanels */

var TsmpiPanels = (function () {
  "use strict";
  const R = TsmpiRender;
  const n = R.n;
  const LINE = 15;

  /** Splits text into lines of at most `max` characters, at spaces. */
  function wrap(text, max) {
    const out = [];
    let line = "";
    for (const word of String(text).split(" ")) {
      if (line && line.length + 1 + word.length > max) {
        out.push(line);
        line = word;
      } else line = line ? line + " " + word : word;
    }
    if (line) out.push(line);
    return out;
  }

  /** The wait-for graph and the hint (under tsrun's summary unless withHeadline is false), {root, height}, or null. */
  function waitFor(data, width, withHeadline) {
    const d = data.deadlock;
    if (!d) return null;
    const root = n("g", { class: "wait-for" });
    const maxChars = Math.max(20, Math.floor((width - 24) / R.CHAR_W));
    const head = withHeadline === false ? [] : wrap(d.summary, maxChars);
    head.forEach((l, i) => root.kids.push(n("text", { x: 12, y: 22 + i * LINE, class: "note headline" }, [], l)));
    const boxes = d.nodes.map((node) => {
      const w = Math.max(...node.lines.map((l) => l.length)) * R.CHAR_W + 16;
      return { node: node, w: w, h: node.lines.length * LINE + 10 };
    });
    const count = boxes.length;
    const maxW = Math.max(...boxes.map((b) => b.w));
    const maxH = Math.max(...boxes.map((b) => b.h));
    const rx = count <= 1 ? 0 : Math.min((width - maxW) / 2 - 20, Math.max(maxW * 0.75, count * 60));
    const ry = count <= 2 ? 0 : Math.max(maxH + 10, count * 22);
    const top = (head.length ? 30 + head.length * LINE : 4) + (count === 1 ? 40 : 10);
    const cx = width / 2;
    const cy = top + ry + maxH / 2;
    boxes.forEach((b, i) => {
      const angle = count <= 2 ? Math.PI * (1 - i) : -Math.PI / 2 + (2 * Math.PI * i) / count;
      b.x = cx + rx * Math.cos(angle);
      b.y = cy + ry * Math.sin(angle);
    });
    const at = new Map(boxes.map((b) => [b.node.rank, b]));
    for (const e of d.edges) {
      const a = at.get(e.from);
      const b = at.get(e.to);
      if (!a || !b) continue;
      const attrs = {
        class: "graph-edge" + (e.cycle ? " cycle" : ""),
        "marker-end": e.cycle ? "url(#head-wait)" : "url(#head)",
        "data-from": e.from,
        "data-to": e.to,
      };
      if (a === b) {
        const y0 = a.y - a.h / 2;
        attrs.d =
          "M" +
          (a.x - 20) +
          " " +
          y0 +
          " C" +
          (a.x - 40) +
          " " +
          (y0 - 44) +
          " " +
          (a.x + 40) +
          " " +
          (y0 - 44) +
          " " +
          (a.x + 20) +
          " " +
          (y0 - 2);
      } else {
        const p = border(a, b.x, b.y);
        const q = border(b, a.x, a.y);
        attrs.d = "M" + p[0] + " " + p[1] + " L" + q[0] + " " + q[1];
      }
      root.kids.push(n("path", attrs));
    }
    for (const b of boxes) {
      const g = n("g", { class: "graph-node" + (b.node.dashed ? " dashed" : ""), "data-rank": b.node.rank });
      g.kids.push(n("rect", { x: b.x - b.w / 2, y: b.y - b.h / 2, width: b.w, height: b.h, rx: 5 }));
      b.node.lines.forEach((l, i) =>
        g.kids.push(
          n(
            "text",
            { x: b.x - b.w / 2 + 8, y: b.y - b.h / 2 + 17 + i * LINE, class: i === 0 ? "node-title" : "" },
            [],
            l,
          ),
        ),
      );
      root.kids.push(g);
    }
    let y = cy + ry + maxH / 2 + 28;
    for (const l of wrap("hint: " + d.hint, maxChars)) {
      root.kids.push(n("text", { x: 12, y: y, class: "note hint" }, [], l));
      y += LINE;
    }
    return { root: root, height: y + 6 };
  }

  /** Where a segment from the centre of box b towards (x, y) leaves the box. */
  function border(b, x, y) {
    const dx = x - b.x;
    const dy = y - b.y;
    const t =
      Math.min(dx ? b.w / 2 / Math.abs(dx) : Infinity, dy ? b.h / 2 / Math.abs(dy) : Infinity) + 6 / Math.hypot(dx, dy);
    return [b.x + dx * t, b.y + dy * t];
  }

  const ms = (v) => (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toFixed(3)) + " ms";

  /** Per rank, computing / communicating / blocked time as stacked bars; {root, height}. */
  function timeChart(data, width) {
    const root = n("g", { class: "time-chart" });
    const left = 78;
    const barW = Math.max(100, Math.min(width - left - 200, 700));
    const total = Math.max(1e-9, ...data.shares.map((s) => s.compute + s.communication + s.blocked));
    const kinds = [
      ["compute", "computing"],
      ["communication", "communicating"],
      ["blocked", "blocked (waiting for another rank)"],
    ];
    root.kids.push(
      n("text", { x: 8, y: 16, class: "panel-title" }, [], "Where the time went (from init to each rank's end)"),
    );
    let lx = left;
    for (const [k, name] of kinds) {
      root.kids.push(n("rect", { x: lx, y: 26, width: 12, height: 10, class: "share " + k }));
      root.kids.push(n("text", { x: lx + 16, y: 35 }, [], name));
      lx += 16 + name.length * R.CHAR_W + 18;
    }
    data.shares.forEach((s, i) => {
      const y = 46 + i * 20;
      root.kids.push(n("text", { x: 8, y: y + 11, class: "rank-label" }, [], "rank " + s.rank));
      let x = left;
      const sum = s.compute + s.communication + s.blocked;
      const tip =
        "rank " +
        s.rank +
        ": computing " +
        ms(s.compute) +
        ", communicating " +
        ms(s.communication) +
        ", blocked " +
        ms(s.blocked) +
        " (" +
        (sum ? Math.round((100 * s.blocked) / sum) : 0) +
        " % blocked)";
      for (const [k] of kinds) {
        const w = (s[k] / total) * barW;
        if (w > 0)
          root.kids.push(
            n("rect", {
              x: x,
              y: y,
              width: w,
              height: 14,
              class: "share " + k,
              "data-rank": s.rank,
              "data-kind": k,
              "data-ms": s[k].toFixed(3),
              "data-tip": tip,
            }),
          );
        x += w;
      }
      root.kids.push(
        n(
          "text",
          { x: x + 6, y: y + 11, class: "share-text" },
          [],
          ms(sum) + ", " + (sum ? Math.round((100 * s.blocked) / sum) : 0) + " % blocked",
        ),
      );
    });
    return { root: root, height: 46 + data.shares.length * 20 + 6 };
  }

  /** The bytes sent from each rank (row) to each rank (column), and the busiest pairs; {root, height}. */
  function bytesChart(data) {
    const root = n("g", { class: "bytes-chart" });
    const np = data.np;
    const cell = Math.max(8, Math.min(28, Math.floor(360 / np)));
    const left = 60;
    const top = 44;
    const max = Math.max(1, ...data.bytes.flat());
    root.kids.push(
      n("text", { x: 8, y: 16, class: "panel-title" }, [], "Bytes sent (row: from rank, column: to rank)"),
    );
    for (let r = 0; r < np; r++) {
      if (np <= 16 || r % Math.ceil(np / 16) === 0) {
        root.kids.push(
          n("text", { x: left - 6, y: top + r * cell + cell / 2 + 4, "text-anchor": "end" }, [], String(r)),
        );
        root.kids.push(
          n("text", { x: left + r * cell + cell / 2, y: top - 6, "text-anchor": "middle" }, [], String(r)),
        );
      }
      for (let c = 0; c < np; c++) {
        const b = data.bytes[r][c];
        const shade = b ? 0.12 + 0.88 * Math.sqrt(b / max) : 0;
        root.kids.push(
          n("rect", {
            x: left + c * cell,
            y: top + r * cell,
            width: cell - 1,
            height: cell - 1,
            class: "cell",
            "fill-opacity": shade.toFixed(3),
            "data-from": r,
            "data-to": c,
            "data-bytes": b,
            "data-tip": "rank " + r + " → rank " + c + ": " + R.bytes(b),
          }),
        );
      }
    }
    const pairs = [];
    for (let r = 0; r < np; r++)
      for (let c = 0; c < np; c++) if (data.bytes[r][c]) pairs.push([r, c, data.bytes[r][c]]);
    pairs.sort((a, b) => b[2] - a[2]);
    const lx = left + np * cell + 24;
    root.kids.push(n("text", { x: lx, y: top + 10, class: "panel-title" }, [], "busiest pairs"));
    pairs
      .slice(0, 8)
      .forEach((p, i) =>
        root.kids.push(
          n(
            "text",
            { x: lx, y: top + 28 + i * LINE, class: "pair" },
            [],
            "rank " + p[0] + " → rank " + p[1] + ": " + R.bytes(p[2]),
          ),
        ),
      );
    if (!pairs.length) root.kids.push(n("text", { x: lx, y: top + 28 }, [], "no message"));
    return { root: root, height: Math.max(top + np * cell, top + 28 + Math.min(8, pairs.length) * LINE) + 8 };
  }

  const CSS = [
    ".note.headline { fill: #c92a2a; font-weight: bold; } .note.hint { fill: #333; }",
    ".graph-node rect { fill: #fff5f5; stroke: #c92a2a; stroke-width: 1.5; } .graph-node.dashed rect { stroke-dasharray: 5 3; fill: #f8f9fa; stroke: #868e96; }",
    ".node-title { font-weight: bold; } .graph-edge { stroke: #495057; stroke-width: 1.5; fill: none; } .graph-edge.cycle { stroke: #c92a2a; stroke-width: 2.5; }",
    ".panel-title { font-weight: bold; } .share.compute { fill: #adb5bd; } .share.communication { fill: #4dabf7; } .share.blocked { fill: #f59f00; }",
    ".cell { fill: #1f5fbf; stroke: #dee2e6; stroke-width: 0.5; }",
  ].join("\n");

  return { CSS: CSS, waitFor: waitFor, timeChart: timeChart, bytesChart: bytesChart, wrap: wrap };
})();
