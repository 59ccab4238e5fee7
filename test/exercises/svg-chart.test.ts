// The exercises' SVG charts (exercises/common/svg-chart.ts), read back with an XML parser: the document is
// well-formed, each point carries its values, log axes place powers of ten evenly and keep the order of the
// values; and ping-pong's --plot through the real tsrun draws the latencies and bandwidths it printed.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { chartsSvg, bytes, compactNumber, type Chart } from "../../exercises/common/svg-chart.ts";
import { runTsrun, projectRoot } from "../harness/run.ts";
import { readCharts } from "./svg-read.ts";

describe("svg-chart", () => {
  const chart: Chart = {
    title: "a & b <test>",
    x: { label: "size", log: true, format: bytes },
    y: { label: "time", log: true },
    series: [
      {
        name: "one",
        points: [
          [1, 5],
          [1000, 50],
          [10, 20],
        ],
      },
      {
        name: "two",
        points: [
          [1, 2],
          [1000, 3000],
        ],
      },
    ],
  };

  it("writes a well-formed document whose points carry their values, escaped text included", () => {
    const [read] = readCharts(chartsSvg([chart]));
    expect(read.title).toBe("a & b <test>");
    expect(read.series.map((s) => s.name)).toEqual(["one", "two"]);
    expect(read.series[0].points.map((p) => [p.x, p.y])).toEqual([
      [1, 5],
      [10, 20],
      [1000, 50],
    ]);
    expect(read.xTicks).toEqual(["1 B", "10 B", "100 B", "1000 B"]);
    expect(read.yTicks).toEqual(["1", "10", "100", "1k", "10k"]);
  });

  it("log axes: equal ratios are equal distances, larger values further right and higher", () => {
    const [read] = readCharts(chartsSvg([chart]));
    const [a, b, c] = read.series[0].points;
    expect(b.cx - a.cx).toBeCloseTo((c.cx - b.cx) / 2, 0);
    expect(a.cy).toBeGreaterThan(b.cy);
    expect(b.cy).toBeGreaterThan(c.cy);
  });

  it("linear axes start at zero; several charts sit side by side", () => {
    const linear: Chart = {
      title: "speed-up",
      x: { label: "ranks" },
      y: { label: "speed-up" },
      series: [
        {
          name: "s",
          points: [
            [1, 1],
            [2, 1.8],
            [4, 3.1],
          ],
        },
      ],
    };
    const read = readCharts(chartsSvg([linear, chart]));
    expect(read).toHaveLength(2);
    expect(read[0].xTicks[0]).toBe("0");
    expect(read[0].yTicks[0]).toBe("0");
    expect(compactNumber(16_777_216)).toBe("16.8M");
    expect(bytes(16 * 2 ** 20)).toBe("16 MiB");
  });

  it("refuses a chart without data, or a log axis without a positive value", () => {
    expect(() => chartsSvg([{ ...chart, series: [] }])).toThrow(/has no data/);
    expect(() => chartsSvg([{ ...chart, series: [{ name: "z", points: [[0, 0]] }] }])).toThrow(
      /log axis "size" has no positive value/,
    );
  });
});

describe("ping-pong --plot (10.1) through tsrun", () => {
  it("warms up, covers 1 B up to --max-size in powers of 4, and plots what it printed", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pingpong-plot-"));
    try {
      const file = path.join(dir, "pp.svg");
      const r = await runTsrun(2, path.join(projectRoot, "exercises/mpi/pingpong.ts"), {
        programArgs: ["--reps", "3", "--warmup", "2", "--max-size", "65536", "--plot", file],
        timeoutMs: 120_000,
      });
      expect(r.code, r.stderr).toBe(0);
      const printed = [
        ...r.stdout.matchAll(/^size (\d+) B: latency ([\d.]+) us, bandwidth ([\d.]+) MB\/s \(payload intact\)$/gm),
      ].map((m) => m.slice(1).map(Number));
      expect(printed.map((p) => p[0])).toEqual([1, 4, 16, 64, 256, 1024, 4096, 16384, 65536]);
      const [latency, bandwidth] = readCharts(fs.readFileSync(file, "utf8"));
      expect(latency.title).toMatch(/latency \(2 ranks on 1 host\(s\)\)/);
      expect(latency.series[0].points.map((p) => p.x)).toEqual(printed.map((p) => p[0]));
      latency.series[0].points.forEach((p, i) => expect(p.y).toBeCloseTo(printed[i][1], 0));
      bandwidth.series[0].points.forEach((p, i) => expect(p.y).toBeCloseTo(printed[i][2], 0));
      expect(latency.xTicks[0]).toBe("1 B");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);
});
