// `npm run bench -- pingpong`: what the diagnostics cost on the 8-byte blocking ping-pong (issue:
// diagnostics a student can act on; checks stay on by default only while they cost < 10 %). Runs one
// ping-pong program with the checks on (the default), with --no-check, and with --trace DIR, interleaved
// over several rounds so that machine load hits the three alike, and prints one JSON line per mode:
// the one-way latency (median over rounds, and the least disturbed round) and the CPU time both ranks
// spend per round trip (user + system; steadier than wall time on a shared machine), each with its ratio
// to --no-check.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { emit, jsonLines, median, tsrun } from "./lib.ts";

const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const trips = Number(process.env.BENCH_TRIPS ?? 20000);
const work = fs.mkdtempSync(path.join(os.tmpdir(), "tsmpi-bench-overhead-"));
const program = path.join(work, "pingpong-cpu.ts");
fs.writeFileSync(
  program,
  `import * as mpi from "tsmpi";
const comm = await mpi.init();
const trips = Number(process.argv[2]);
const message = new Uint8Array(8).fill(7);
const peer = 1 - comm.rank;
for (let i = 0; i < 1000; i++) comm.rank === 0 ? (await comm.send(message, peer, 0), await comm.recv(peer, 0)) : await comm.send(await comm.recv(peer, 0), peer, 0);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < trips; i++) {
  if (comm.rank === 0) {
    await comm.send(message, peer, 0);
    await comm.recv(peer, 0);
  } else await comm.send(await comm.recv(peer, 0), peer, 0);
}
const wall = performance.now() - t0;
const used = process.cpuUsage(cpu0);
const cpuUs = (used.user + used.system) / trips;
if (comm.rank === 1) await comm.send(cpuUs, 0, 1);
else console.log(JSON.stringify({ oneWayUs: (wall * 1000) / trips / 2, cpuUsPerTrip: cpuUs + (await comm.recv(1, 1)) }));
await mpi.finalize();
`,
);
const modes: Record<string, string[]> = {
  checks: [],
  "no-check": ["--no-check"],
  trace: ["--trace", path.join(work, "trace")],
};
const latency: Record<string, number[]> = { checks: [], "no-check": [], trace: [] };
const cpu: Record<string, number[]> = { checks: [], "no-check": [], trace: [] };
try {
  for (let round = 0; round < rounds; round++) {
    for (const [mode, args] of Object.entries(modes)) {
      const [line] = jsonLines(process.execPath, [tsrun, "-np", "2", ...args, program, String(trips)]);
      latency[mode].push(line.oneWayUs as number);
      cpu[mode].push(line.cpuUsPerTrip as number);
    }
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
const round2 = (x: number) => Number(x.toFixed(2));
const ratio = (a: number, b: number) => Number((a / b).toFixed(3));
for (const mode of Object.keys(modes)) {
  emit({
    bench: "pingpong-overhead",
    mode,
    size: 8,
    trips,
    rounds,
    oneWayUs: round2(median(latency[mode])),
    ratioToNoCheck: ratio(median(latency[mode]), median(latency["no-check"])),
    bestOneWayUs: round2(Math.min(...latency[mode])),
    bestRatioToNoCheck: ratio(Math.min(...latency[mode]), Math.min(...latency["no-check"])),
    cpuUsPerRoundTrip: round2(median(cpu[mode])),
    cpuRatioToNoCheck: ratio(median(cpu[mode]), median(cpu["no-check"])),
  });
}
