// `npm run bench -- pingpong`: what the diagnostics cost on the 8-byte blocking ping-pong (issue:
// diagnostics a student can act on; checks stay on by default only while they cost < 10 %). Runs the
// ping-pong of bench/programs/pingpong.ts with the checks on (the default), with --no-check, and with
// --trace DIR, interleaved over several rounds so machine load hits all three alike; prints one JSON line
// per mode (median one-way latency over the rounds) and the ratios to --no-check.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { emit, jsonLines, median, tsrun } from "./lib.ts";

const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const size = process.env.BENCH_SIZES ?? "8";
const traceDir = fs.mkdtempSync(path.join(os.tmpdir(), "tsmpi-bench-trace-"));
const modes: Record<string, string[]> = {
  checks: [],
  "no-check": ["--no-check"],
  trace: ["--trace", traceDir],
};
const samples: Record<string, number[]> = { checks: [], "no-check": [], trace: [] };
try {
  for (let round = 0; round < rounds; round++) {
    for (const [mode, args] of Object.entries(modes)) {
      const [line] = jsonLines(process.execPath, [tsrun, "-np", "2", ...args, "bench/programs/pingpong.ts", size, "typed"]);
      samples[mode].push(line.oneWayUs as number);
    }
  }
} finally {
  fs.rmSync(traceDir, { recursive: true, force: true });
}
const base = median(samples["no-check"]);
for (const mode of Object.keys(modes)) {
  const us = median(samples[mode]);
  emit({
    bench: "pingpong-overhead",
    mode,
    size: Number(size),
    oneWayUs: Number(us.toFixed(2)),
    ratioToNoCheck: Number((us / base).toFixed(3)),
    rounds,
    samples: samples[mode].map((x) => Number(x.toFixed(2))),
  });
}
