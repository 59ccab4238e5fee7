// S5's first steps (exercises/salad/blockchain-lab.ts) as real processes: ex5's three given blocks, chained,
// hashed from their fields (the same hashes at every run once the timestamp is fixed); ex7's difficulty
// table and its SVG chart, read back with an XML parser and compared with the printed numbers; exercise 8:
// the RPC master with --difficulty mines a block for each result its worker processes return.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { projectRoot, runCommand } from "../harness/run.ts";
import { readCharts } from "./svg-read.ts";

const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const lab = (args: string[]) =>
  runCommand(
    process.execPath,
    ["--import", tsx, path.join(projectRoot, "exercises/salad/blockchain-lab.ts"), ...args],
    { timeoutMs: 120_000 },
  );

describe("blockchain-lab", () => {
  it("ex5: the three given blocks, each hashing its fields and linked to the one before", async () => {
    const runs = await Promise.all([
      lab(["ex5", "--timestamp", "1700000000000"]),
      lab(["ex5", "--timestamp", "1700000000000"]),
    ]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect(runs[0].stdout).toBe(runs[1].stdout);
    const blocks = [
      ...runs[0].stdout.matchAll(/^BLOCK (\d) hash=(\w+) previousHash=(\w+) timestamp=(\d+) data=(.*)$/gm),
    ];
    expect(blocks.map((b) => JSON.parse(b[5]))).toEqual([
      "Bonjour, je suis le premier bloc",
      "Hello, je suis le deuxième bloc",
      "Yo, je suis le troisième bloc",
    ]);
    let previous = "0";
    for (const [, , hash, prev, timestamp, data] of blocks) {
      expect(prev).toBe(previous);
      expect(hash).toBe(
        createHash("sha256")
          .update(JSON.stringify([prev, Number(timestamp), JSON.parse(data), 0]))
          .digest("hex"),
      );
      previous = hash;
    }
  }, 150_000);

  it("ex7: one row per difficulty, and the chart draws the printed numbers", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "blockchain-lab-"));
    try {
      const file = path.join(dir, "d.svg");
      const r = await lab(["ex7", "--max-difficulty", "3", "--blocks", "2", "--plot", file]);
      expect(r.code, r.stderr).toBe(0);
      const rows = [...r.stdout.matchAll(/^DIFFICULTY (\d) seconds=([\d.]+) attempts=([\d.]+)$/gm)].map((m) =>
        m.slice(1).map(Number),
      );
      expect(rows.map((row) => row[0])).toEqual([1, 2, 3]);
      expect(r.stdout).toMatch(/\| difficulty \| seconds per block \| attempts per block \|/);
      const [time, attempts] = readCharts(fs.readFileSync(file, "utf8"));
      expect(time.series[0].points.map((p) => p.x)).toEqual(rows.map((row) => row[0]));
      time.series[0].points.forEach((p, i) => expect(p.y).toBeCloseTo(rows[i][1], 5)); // printed with 6 decimals
      expect(attempts.series[0].points.map((p) => p.y)).toEqual(rows.map((row) => row[2]));
      expect(attempts.series[1].points.map((p) => p.y)).toEqual([16, 256, 4096]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);

  it("says which exercise to run when given none", async () => {
    const r = await lab([]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("blockchain-lab: say which exercise: ex5 or ex7 (got nothing)");
  }, 150_000);

  it("ex8: the RPC master mines a linked, proven block for each result of its workers", async () => {
    const salad = (file: string, args: string[]) =>
      spawn(process.execPath, ["--import", tsx, path.join(projectRoot, "exercises/salad/rpc", file), ...args], {
        cwd: projectRoot,
        stdio: ["ignore", "pipe", "pipe"],
      });
    const master = salad("master.ts", ["--port", "0", "--time-scale", "0.02", "--difficulty", "2"]);
    const guard = setTimeout(() => master.kill("SIGKILL"), 120_000);
    let out = "";
    const port = await new Promise<string>((resolve) =>
      master.stdout.setEncoding("utf8").on("data", (d: string) => {
        out += d;
        const m = /^LISTENING (\d+)/m.exec(out);
        if (m) resolve(m[1]);
      }),
    );
    const workers = [1, 2].map((k) =>
      salad("worker.ts", ["--master", `ws://127.0.0.1:${port}`, "--name", `w${k}`, "--time-scale", "0.02"]),
    );
    await Promise.all([master, ...workers].map((p) => new Promise((resolve) => p.on("exit", resolve))));
    clearTimeout(guard);
    const blocks = [...out.matchAll(/^BLOCK (\d+) hash=(\w+) previousHash=(\w+) nonce=\d+ attempts=\d+ data=(.*)$/gm)];
    expect(blocks.map((b) => Number(b[1]))).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    blocks.forEach((b, i) => {
      expect(b[2].startsWith("00")).toBe(true);
      if (i > 0) expect(b[3]).toBe(blocks[i - 1][2]);
    });
    const prepared = [...out.matchAll(/^PREPARED (\d+) /gm)].map((m) => Number(m[1])).sort((a, b) => a - b);
    expect(blocks.map((b) => (JSON.parse(b[4]) as { task: number }).task).sort((a, b) => a - b)).toEqual(prepared);
    expect(out).toMatch(/^CHAIN VALID 12 blocks$/m);
  }, 150_000);
});

describe("S3's lock cost chart (counter-lock-cost.ts)", () => {
  it("times each N with and without the lock, the lock exact, and the chart draws the printed times", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lock-cost-"));
    try {
      const file = path.join(dir, "lock.svg");
      const r = await runCommand(
        process.execPath,
        [
          "--import",
          tsx,
          path.join(projectRoot, "exercises/salad/counter-lock-cost.ts"),
          "--n",
          "100,1000",
          "--plot",
          file,
        ],
        { timeoutMs: 120_000 },
      );
      expect(r.code, r.stderr).toBe(0);
      const runs = [
        ...r.stdout.matchAll(/^COST n=(\d+) lock=(on|off) ms=([\d.]+) counter=(\d+) expected=(\d+) lost=(\d+)$/gm),
      ];
      expect(runs.map((m) => `${m[1]} ${m[2]}`)).toEqual(["100 off", "100 on", "1000 off", "1000 on"]);
      for (const m of runs.filter((m) => m[2] === "on")) expect(m[4]).toBe(m[5]); // the lock loses nothing
      const [chart] = readCharts(fs.readFileSync(file, "utf8"));
      expect(chart.series.map((s) => s.name)).toEqual(["without lock (loses increments)", "with lock (exact)"]);
      expect(chart.series[1].points.map((p) => [p.x, p.y])).toEqual(
        runs.filter((m) => m[2] === "on").map((m) => [Number(m[1]), Number(m[3])]),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);
});
