// Charts as hand-made SVG, for the exercises whose results students would rather look at than read
// (ping-pong latency and bandwidth against message size, speed-up, seconds per block against difficulty,
// the cost of a lock). One module, no dependency: line charts with linear or log axes, several series,
// several charts side by side in one file. Each data point is a <circle> carrying data-x and data-y (the
// values, not pixels) so a test or a curious student can read the numbers back from the file.
//
//   chartsSvg([{ title, x: { label, log }, y: { label, log }, series: [{ name, points: [[x, y], …] }] }, …])
//   writeCharts(file, charts)   writes the SVG file (creating nothing else)
import * as fs from "node:fs";

export interface Axis {
  label: string;
  log?: boolean;
  /** Tick text for a value (default: compact numbers, 1k, 1M…). */
  format?: (value: number) => string;
}

export interface Series {
  name: string;
  points: [number, number][];
}

export interface Chart {
  title: string;
  x: Axis;
  y: Axis;
  series: Series[];
}

const WIDTH = 480;
const HEIGHT = 340;
const MARGIN = { left: 70, right: 20, top: 40, bottom: 55 };
const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];

export function compactNumber(value: number): string {
  const abs = Math.abs(value);
  for (const [limit, suffix] of [
    [1e9, "G"],
    [1e6, "M"],
    [1e3, "k"],
  ] as const) {
    if (abs >= limit) return `${+(value / limit).toPrecision(3)}${suffix}`;
  }
  return `${+value.toPrecision(3)}`;
}

/** Byte counts as 1 B, 1 KiB, 16 MiB. */
export function bytes(value: number): string {
  for (const [limit, unit] of [
    [2 ** 30, "GiB"],
    [2 ** 20, "MiB"],
    [2 ** 10, "KiB"],
  ] as const) {
    if (value >= limit) return `${+(value / limit).toPrecision(3)} ${unit}`;
  }
  return `${+value.toPrecision(3)} B`;
}

const escapeXml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Range and ticks of one axis: log axes run over whole powers of ten, linear ones start at 0 when they can. */
function scaleOf(
  values: number[],
  axis: Axis,
): { lo: number; hi: number; ticks: number[]; map: (v: number) => number } {
  if (axis.log) {
    const positive = values.filter((v) => v > 0);
    if (positive.length === 0) throw new Error(`log axis "${axis.label}" has no positive value`);
    const lo = Math.floor(Math.log10(Math.min(...positive)));
    const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...positive))));
    const ticks = Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i));
    return { lo, hi, ticks, map: (v) => (Math.log10(v) - lo) / (hi - lo) };
  }
  const lo = Math.min(0, ...values);
  const top = Math.max(...values, lo + 1e-9);
  const step = 10 ** Math.floor(Math.log10((top - lo) / 5 || 1));
  const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => (top - lo) / s <= 6) ?? 10 * step;
  const hi = Math.ceil(top / nice) * nice;
  const ticks = Array.from({ length: Math.round((hi - lo) / nice) + 1 }, (_, i) => lo + i * nice);
  return { lo, hi, ticks, map: (v) => (v - lo) / (hi - lo) };
}

/** One chart as an SVG group at horizontal offset `dx`. */
function chartGroup(chart: Chart, dx: number): string {
  const points = chart.series.flatMap((s) => s.points);
  if (points.length === 0) throw new Error(`chart "${chart.title}" has no data`);
  const xs = scaleOf(
    points.map((p) => p[0]),
    chart.x,
  );
  const ys = scaleOf(
    points.map((p) => p[1]),
    chart.y,
  );
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const px = (v: number) => +(MARGIN.left + xs.map(v) * plotW).toFixed(1);
  const py = (v: number) => +(MARGIN.top + (1 - ys.map(v)) * plotH).toFixed(1);
  const fx = chart.x.format ?? compactNumber;
  const fy = chart.y.format ?? compactNumber;
  const out: string[] = [`<g class="chart" transform="translate(${dx},0)" data-title="${escapeXml(chart.title)}">`];
  out.push(
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(chart.title)}</text>`,
  );
  out.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#444"/>`);
  for (const t of xs.ticks) {
    out.push(
      `<line class="grid" x1="${px(t)}" y1="${MARGIN.top}" x2="${px(t)}" y2="${MARGIN.top + plotH}" stroke="#ddd"/>`,
    );
    out.push(
      `<text class="x-tick" x="${px(t)}" y="${MARGIN.top + plotH + 16}" text-anchor="middle" font-size="11">${escapeXml(fx(t))}</text>`,
    );
  }
  for (const t of ys.ticks) {
    out.push(
      `<line class="grid" x1="${MARGIN.left}" y1="${py(t)}" x2="${MARGIN.left + plotW}" y2="${py(t)}" stroke="#ddd"/>`,
    );
    out.push(
      `<text class="y-tick" x="${MARGIN.left - 6}" y="${py(t) + 4}" text-anchor="end" font-size="11">${escapeXml(fy(t))}</text>`,
    );
  }
  const logNote = (a: Axis) => (a.log ? " (log scale)" : "");
  out.push(
    `<text class="x-label" x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 12}" text-anchor="middle" font-size="12">${escapeXml(chart.x.label + logNote(chart.x))}</text>`,
  );
  out.push(
    `<text class="y-label" transform="translate(16,${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="12">${escapeXml(chart.y.label + logNote(chart.y))}</text>`,
  );
  chart.series.forEach((series, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const drawn = series.points
      .filter(([x, y]) => (!chart.x.log || x > 0) && (!chart.y.log || y > 0))
      .sort((a, b) => a[0] - b[0]);
    out.push(`<g class="series" data-name="${escapeXml(series.name)}">`);
    if (drawn.length > 1)
      out.push(
        `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${drawn.map(([x, y]) => `${px(x)},${py(y)}`).join(" ")}"/>`,
      );
    for (const [x, y] of drawn)
      out.push(`<circle cx="${px(x)}" cy="${py(y)}" r="3" fill="${colour}" data-x="${x}" data-y="${y}"/>`);
    out.push(
      `<text class="legend" x="${MARGIN.left + 10}" y="${MARGIN.top + 16 + 16 * i}" font-size="12" fill="${colour}">${escapeXml(series.name)}</text>`,
    );
    out.push("</g>");
  });
  out.push("</g>");
  return out.join("\n");
}

/** Charts side by side, as one standalone SVG document. */
export function chartsSvg(charts: Chart[]): string {
  const width = WIDTH * charts.length;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${HEIGHT}" viewBox="0 0 ${width} ${HEIGHT}" font-family="sans-serif">`,
    `<rect width="${width}" height="${HEIGHT}" fill="white"/>`,
    ...charts.map((c, i) => chartGroup(c, i * WIDTH)),
    `</svg>`,
    "",
  ].join("\n");
}

export function writeCharts(file: string, charts: Chart[]): void {
  fs.writeFileSync(file, chartsSvg(charts));
}
