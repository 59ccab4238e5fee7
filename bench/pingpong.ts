// `npm run bench -- pingpong`: one-way latency and bandwidth of tsmpi's ping-pong (TypedArray and value mode)
// for 8 B … 16 MiB, next to the floor measured in the same run (raw Node Unix-socket ping-pong) and, where
// installed, mpi4py's object and buffer ping-pong; plus tsrun's start-up vs mpirun's. Prints JSON lines.
import { emit, jsonLines, mpi4pyAvailable, MPIRUN_ENV, tsrun, wallMs } from "./lib.ts";

const sizes = process.env.BENCH_SIZES ?? "8,1024,65536,1048576,16777216";
const extra = (process.env.BENCH_TSRUN_ARGS ?? "").split(" ").filter(Boolean);
const raw = jsonLines(process.execPath, ["--import", "tsx", "bench/raw-pingpong.ts", sizes]);
const floor = new Map(raw.map((r) => [r.size as number, r.oneWayUs as number]));
const runs: Record<string, unknown>[] = [
  ...raw,
  ...jsonLines(process.execPath, [tsrun, "-np", "2", ...extra, "bench/programs/pingpong.ts", sizes, "typed,value"]),
];
if (mpi4pyAvailable()) {
  runs.push(
    ...jsonLines("mpirun", ["-np", "2", "/usr/bin/python3", "bench/programs/pingpong_mpi4py.py", sizes], MPIRUN_ENV),
  );
}
for (const r of runs) {
  const size = r.size as number;
  const us = r.oneWayUs as number;
  emit({
    bench: "pingpong",
    mode: r.mode,
    size,
    oneWayUs: Number(us.toFixed(2)),
    bandwidthMBs: Number((size / us).toFixed(1)),
    floorUs: Number(floor.get(size)!.toFixed(2)),
    ratioToFloor: Number((us / floor.get(size)!).toFixed(2)),
  });
}

const empty = "bench/programs/empty.ts";
const tsrunMs = wallMs(process.execPath, [tsrun, "-np", "8", empty], 5);
const launch: Record<string, unknown> = { bench: "launch-local", np: 8, tsrunMs: Math.round(tsrunMs) };
if (mpi4pyAvailable()) {
  const mpirunMs = wallMs("mpirun", ["-np", "8", "/bin/true"], 5, MPIRUN_ENV);
  Object.assign(launch, { mpirunTrueMs: Math.round(mpirunMs), ratio: Number((tsrunMs / mpirunMs).toFixed(2)) });
}
emit(launch);
