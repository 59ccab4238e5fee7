// Exercise 10.2 (questions 1–2) — Ping-pong with nonblocking communications (isend/irecv, then wait).
// Statement: the ping-pong of 10.1 with MPI_Isend/MPI_Irecv; where do the waits go? Each side posts
// its receive before sending, and waits for both just before it needs the data back.
// Run:   tsrun -np 2 exercises/mpi/pingpong-nonblocking.ts [--reps 50]
// Grade: npm run grade -- 10.2-pingpong
// Output: one line per size: "size 65536 B: latency 61.2 us, bandwidth 1071.3 MB/s (payload intact)"
import * as mpi from "tsmpi";
import { numberOption } from "../common/args.ts";

const comm = await mpi.init();
if (comm.size < 2) throw new Error("ping-pong needs at least 2 ranks: run with -np 2");
const reps = numberOption("reps", 50);
const sizes = [8, 1024, 64 * 1024, 1024 * 1024];

for (const size of sizes) {
  const message = new Uint8Array(size).map((_, i) => (i * 7 + size) & 0xff);
  if (comm.rank === 0) {
    // SOLUTION BEGIN: rank 0: start the clock, then `reps` times post the irecv of the pong, isend the ping and wait for both; keep what came back in `back`
    // STARTER: let back = new Uint8Array(0);
    // STARTER: const t0 = mpi.wtime();
    let back: Uint8Array = message;
    const t0 = mpi.wtime();
    for (let i = 0; i < reps; i++) {
      const pong = comm.irecv(1, 0); // posted first: the answer can land straight in its receive
      const ping = comm.isend(message, 1, 0);
      const [, answer] = await mpi.waitall([ping, pong]); // the wait goes where the data is needed
      back = answer as Uint8Array;
    }
    // SOLUTION END
    const oneWay = (mpi.wtime() - t0) / reps / 2;
    const intact = back.length === size && back.every((b, i) => b === message[i]);
    console.log(
      `size ${size} B: latency ${(oneWay * 1e6).toFixed(1)} us, bandwidth ${(size / oneWay / 1e6).toFixed(1)} MB/s (${intact ? "payload intact" : "PAYLOAD CORRUPTED"})`,
    );
    if (!intact) throw new Error(`payload of ${size} bytes came back different`);
  } else if (comm.rank === 1) {
    for (let i = 0; i < reps; i++) {
      // SOLUTION BEGIN: rank 1: receive the ping and send it back, with irecv/isend and wait
      const ping = await comm.irecv(0, 0).wait();
      await comm.isend(ping, 0, 0).wait();
      // SOLUTION END
    }
  }
}
await mpi.finalize();
