// Exercise 10.1 — Blocking ping-pong between ranks 0 and 1, timed for several message sizes.
// Statement: rank 0 sends a message to rank 1, which sends it back; repeat, measure the round trip,
// and derive latency (one way) and bandwidth for sizes from 8 B to 1 MiB.
// Run:   npx tsrun -np 2 exercises/mpi/pingpong.ts [--reps 100]
// Grade: npm run grade -- 10.1
// Output: one line per size: "size 65536 B: latency 61.2 us, bandwidth 1071.3 MB/s (payload intact)"
import * as mpi from "tsmpi";

const comm = await mpi.init();
if (comm.size < 2) throw new Error("ping-pong needs at least 2 ranks: run with -np 2");
const repsArg = process.argv.indexOf("--reps");
const reps = repsArg > 0 ? Number(process.argv[repsArg + 1]) : 50;
const sizes = [8, 1024, 64 * 1024, 1024 * 1024];

for (const size of sizes) {
  await comm.barrier(); // both ranks start each size together
  const message = new Uint8Array(size).map((_, i) => (i * 7 + size) & 0xff);
  if (comm.rank === 0) {
    let back: Uint8Array = message;
    const t0 = mpi.wtime();
    for (let i = 0; i < reps; i++) {
      await comm.send(message, 1, 0);
      back = (await comm.recv(1, 0)) as Uint8Array;
    }
    const oneWay = (mpi.wtime() - t0) / reps / 2;
    const intact = back.length === size && back.every((b, i) => b === message[i]);
    console.log(
      `size ${size} B: latency ${(oneWay * 1e6).toFixed(1)} us, bandwidth ${(size / oneWay / 1e6).toFixed(1)} MB/s (${intact ? "payload intact" : "PAYLOAD CORRUPTED"})`,
    );
    if (!intact) throw new Error(`payload of ${size} bytes came back different`);
  } else if (comm.rank === 1) {
    for (let i = 0; i < reps; i++) await comm.send(await comm.recv(0, 0), 0, 0);
  }
}
await mpi.finalize();
