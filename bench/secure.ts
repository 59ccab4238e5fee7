// `npm run bench -- secure`: what --secure costs (TCP frames sealed with AES-256-GCM, docs/security.md)
// against plain TCP, on the same ping-pong program, interleaved over rounds so machine load hits both
// alike. Sizes: 8 B (latency: one record per message) and 1 MiB (throughput: 16 records of 64 KiB).
// One JSON line per size and mode: one-way time (median over rounds) and its ratio to plain TCP.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { emit, jsonLines, median, tsrun } from "./lib.ts";

const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const work = fs.mkdtempSync(path.join(os.tmpdir(), "tsmpi-bench-secure-"));
const program = path.join(work, "pingpong-secure.ts");
fs.writeFileSync(
  program,
  `import * as mpi from "tsmpi";
const comm = await mpi.init();
const size = Number(process.argv[2]);
const trips = Number(process.argv[3]);
const message = new Uint8Array(size).fill(7);
const peer = 1 - comm.rank;
const trip = async () => comm.rank === 0 ? (await comm.send(message, peer, 0), await comm.recv(peer, 0)) : await comm.send(await comm.recv(peer, 0), peer, 0);
for (let i = 0; i < Math.max(10, trips / 10); i++) await trip();
const t0 = performance.now();
for (let i = 0; i < trips; i++) await trip();
const wall = performance.now() - t0;
if (comm.rank === 0) console.log(JSON.stringify({ oneWayUs: (wall * 1000) / trips / 2 }));
await mpi.finalize();
`,
);
const cases = [
  { size: 8, trips: Number(process.env.BENCH_TRIPS ?? 10000) },
  { size: 1 << 20, trips: Number(process.env.BENCH_BIG_TRIPS ?? 200) },
];
const modes: Record<string, string[]> = { tcp: ["--transport", "tcp"], secure: ["--transport", "tcp", "--secure"] };
const ratio = (a: number, b: number) => Number((a / b).toFixed(3));
try {
  for (const { size, trips } of cases) {
    const times: Record<string, number[]> = { tcp: [], secure: [] };
    for (let round = 0; round < rounds; round++) {
      for (const [mode, args] of Object.entries(modes)) {
        const [line] = jsonLines(process.execPath, [
          tsrun,
          "-np",
          "2",
          "--no-check",
          ...args,
          program,
          String(size),
          String(trips),
        ]);
        times[mode].push(line.oneWayUs as number);
      }
    }
    for (const mode of Object.keys(modes)) {
      const us = median(times[mode]);
      emit({
        bench: "secure",
        mode,
        size,
        trips,
        rounds,
        oneWayUs: Number(us.toFixed(2)),
        mbPerSec: size >= 1024 ? Number((size / us).toFixed(1)) : undefined,
        ratioToTcp: ratio(us, median(times.tcp)),
      });
    }
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
