// Benchmark program (run through tsrun -np 2): one-way latency of a blocking ping-pong between ranks 0 and 1,
// for each size, in TypedArray mode (value mode with raw bytes: each receive returns a new array), value mode
// (a msgpack-encoded object holding a string) and buffer mode (mpi.buf sends, recvInto one preallocated
// array: what mpi4py's Send/Recv of a numpy array does).
// Prints one JSON line per (mode, size) from rank 0: the median of 4 timed passes of `reps` round trips.
import * as mpi from "tsmpi";

const comm = await mpi.init();
const sizes = (process.argv[2] ?? "8,1024,65536,1048576,16777216").split(",").map(Number);
const modes = (process.argv[3] ?? "typed,value").split(",");
const repsFor = (size: number) => (size <= 1024 ? 10000 : size <= 65536 ? 800 : size <= 1048576 ? 100 : 12);
/** Passes per figure, the first WARM_PASSES untimed: small messages need tens of thousands of calls before the JIT settles. */
const PASSES = 6;
const WARM_PASSES = 2;

function messageOf(mode: string, size: number): unknown {
  if (mode === "typed") return new Uint8Array(size).fill(7);
  return { seq: 1, data: "x".repeat(Math.max(0, size - 16)) };
}

/** One pass of `reps` round trips in buffer mode: every message lands in the same preallocated array. */
async function bufferPass(size: number, reps: number): Promise<void> {
  const spec = mpi.buf(new Uint8Array(size).fill(7));
  for (let i = 0; i < reps; i++) {
    if (comm.rank === 0) {
      await comm.send(spec, 1, 0);
      await comm.recvInto(spec, 1, 0);
    } else if (comm.rank === 1) {
      await comm.recvInto(spec, 0, 0);
      await comm.send(spec, 0, 0);
    }
  }
}

for (const mode of modes) {
  for (const size of sizes) {
    const message = messageOf(mode, size);
    const reps = repsFor(size);
    const passes: number[] = [];
    for (let pass = 0; pass < PASSES; pass++) {
      const t0 = performance.now();
      if (mode === "buffer") await bufferPass(size, reps);
      else if (comm.rank === 0) {
        for (let i = 0; i < reps; i++) {
          await comm.send(message, 1, 0);
          await comm.recv(1, 0);
        }
      } else if (comm.rank === 1) {
        for (let i = 0; i < reps; i++) await comm.send(await comm.recv(0, 0), 0, 0);
      }
      if (pass >= WARM_PASSES) passes.push(((performance.now() - t0) / reps / 2) * 1000);
    }
    passes.sort((a, b) => a - b);
    if (comm.rank === 0) console.log(JSON.stringify({ mode, size, oneWayUs: passes[passes.length >> 1] }));
  }
}
await mpi.finalize();
