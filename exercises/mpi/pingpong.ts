// Exercise 10.1 — Blocking ping-pong between ranks 0 and 1, timed for message sizes from 1 B to 16 MiB.
// Statement: rank 0 sends a message to rank 1, which sends it back; after a few untimed warm-up round
// trips (connections opened, buffers allocated, code compiled), repeat, measure the round trip, and derive
// latency (one way) and bandwidth for each size. Compare one machine (-np 2) with two (--host a,b).
// Run:   tsrun -np 2 exercises/mpi/pingpong.ts [--reps 50] [--warmup 5] [--max-size 16777216] [--plot pingpong.svg]
//        tsrun -np 2 --host pc1,pc2 exercises/mpi/pingpong.ts --plot two-machines.svg
// Grade: npm run grade -- 10.1
// Output: one line per size: "size 65536 B: latency 61.2 us, bandwidth 1071.3 MB/s (payload intact)";
// --plot FILE.svg draws latency and bandwidth against size (log axes). Sizes of 1 MiB and more use fewer
// repetitions (at least 2) so that the whole run stays short.
import * as mpi from "tsmpi";
import { textOption } from "../common/args.ts";
import { bytes, writeCharts } from "../common/svg-chart.ts";

const comm = await mpi.init();
if (comm.size < 2) throw new Error("ping-pong needs at least 2 ranks: run with -np 2");
const reps = Number(textOption("reps", "50"));
const warmup = Number(textOption("warmup", "5"));
const maxSize = Number(textOption("max-size", String(16 * 2 ** 20)));
const plot = textOption("plot", "");
for (const [name, value] of [
  ["reps", reps],
  ["warmup", warmup],
  ["max-size", maxSize],
] as const) {
  if (!Number.isInteger(value) || value < (name === "warmup" ? 0 : 1))
    throw new Error(`--${name} must be a whole number, got ${textOption(name, "")}`);
}
const sizes: number[] = [];
for (let size = 1; size <= maxSize; size *= 4) sizes.push(size); // 1 B, 4 B, 16 B, … 16 MiB
/** Repetitions for a size: --reps, but about 64 MiB of traffic at most for the large sizes. */
const repsFor = (size: number) => Math.max(2, Math.min(reps, Math.floor(2 ** 26 / size)));
const results: { size: number; latencyUs: number; bandwidthMBs: number }[] = [];

async function roundTrips(message: Uint8Array, count: number): Promise<Uint8Array> {
  let back: Uint8Array = message;
  // SOLUTION BEGIN: send the message to rank 1 and receive it back, count times
  for (let i = 0; i < count; i++) {
    await comm.send(message, 1, 0);
    back = (await comm.recv(1, 0)) as Uint8Array;
  }
  // SOLUTION END
  return back;
}

for (const size of sizes) {
  const count = repsFor(size);
  await comm.barrier(); // both ranks start each size together
  const message = new Uint8Array(size).map((_, i) => (i * 7 + size) & 0xff);
  if (comm.rank === 0) {
    await roundTrips(message, warmup); // untimed: the first exchanges pay for setting things up
    const t0 = mpi.wtime();
    const back = await roundTrips(message, count);
    const oneWay = (mpi.wtime() - t0) / count / 2;
    const intact = back.length === size && back.every((b, i) => b === message[i]);
    results.push({ size, latencyUs: oneWay * 1e6, bandwidthMBs: size / oneWay / 1e6 });
    console.log(
      `size ${size} B: latency ${(oneWay * 1e6).toFixed(1)} us, bandwidth ${(size / oneWay / 1e6).toFixed(1)} MB/s (${intact ? "payload intact" : "PAYLOAD CORRUPTED"})`,
    );
    if (!intact) throw new Error(`payload of ${size} bytes came back different`);
  } else if (comm.rank === 1) {
    // SOLUTION BEGIN: send back every message rank 0 sends (warm-up and timed round trips)
    for (let i = 0; i < warmup + count; i++) await comm.send(await comm.recv(0, 0), 0, 0);
    // SOLUTION END
  }
}
if (comm.rank === 0 && plot) {
  const where = `${comm.size} ranks on ${new Set(await comm.allgather(process.env.TSMPI_HOST_ID ?? "local")).size} host(s)`;
  writeCharts(plot, [
    {
      title: `Ping-pong latency (${where})`,
      x: { label: "message size", log: true, format: bytes },
      y: { label: "one-way latency (µs)", log: true },
      series: [{ name: "latency", points: results.map((r) => [r.size, r.latencyUs]) }],
    },
    {
      title: `Ping-pong bandwidth (${where})`,
      x: { label: "message size", log: true, format: bytes },
      y: { label: "bandwidth (MB/s)", log: true },
      series: [{ name: "bandwidth", points: results.map((r) => [r.size, r.bandwidthMBs]) }],
    },
  ]);
  console.log(`plot written to ${plot}`);
} else if (plot) {
  await comm.allgather(process.env.TSMPI_HOST_ID ?? "local");
}
await mpi.finalize();
