// The floor for the transport: a ping-pong between two Node processes over a raw Unix socket with
// length-prefixed frames (one write per frame; large frames read straight into a preallocated buffer).
// `npx tsx bench/raw-pingpong.ts [sizes]` prints one JSON line per size (one-way µs, median of 4 timed passes after 2 untimed, as bench/programs/pingpong.ts).
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

const sizes = (process.argv[2] ?? "8,1024,65536,1048576,16777216").split(",").map(Number);
const repsFor = (size: number) => (size <= 1024 ? 10000 : size <= 65536 ? 800 : size <= 1048576 ? 100 : 12);

/** Reads length-prefixed frames; calls onFrame(payload) for each. */
function frameReader(socket: net.Socket, onFrame: (payload: Buffer) => void): void {
  let header = Buffer.alloc(0);
  let body: Buffer | null = null;
  let fill = 0;
  socket.on("data", (chunk: Buffer) => {
    let pos = 0;
    while (pos < chunk.length) {
      if (!body) {
        const take = Math.min(4 - header.length, chunk.length - pos);
        header = Buffer.concat([header, chunk.subarray(pos, pos + take)]);
        pos += take;
        if (header.length < 4) return;
        body = Buffer.allocUnsafe(header.readUInt32LE(0));
        fill = 0;
        header = Buffer.alloc(0);
      }
      const take = Math.min(body.length - fill, chunk.length - pos);
      chunk.copy(body, fill, pos, pos + take);
      fill += take;
      pos += take;
      if (fill === body.length) {
        const done = body;
        body = null;
        onFrame(done);
      }
    }
  });
}

function writeFrame(socket: net.Socket, payload: Buffer): void {
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32LE(payload.length, 0);
  if (payload.length < 16384) socket.write(Buffer.concat([head, payload]));
  else {
    socket.cork();
    socket.write(head);
    socket.write(payload);
    socket.uncork();
  }
}

if (process.argv[3] === "--echo") {
  const socket = net.connect(process.argv[4]);
  socket.setNoDelay?.(true);
  frameReader(socket, (p) => writeFrame(socket, p));
} else {
  const sockPath = path.join(os.tmpdir(), `tsmpi-raw-${process.pid}.sock`);
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(sockPath, r));
  const child = fork(fileURLToPath(import.meta.url), [sizes.join(","), "--echo", sockPath], {
    execArgv: process.execArgv,
  });
  const socket = await new Promise<net.Socket>((r) => server.once("connection", r));
  let next: ((p: Buffer) => void) | null = null;
  frameReader(socket, (p) => next?.(p));
  const roundTrip = (payload: Buffer) =>
    new Promise<Buffer>((resolve) => ((next = resolve), writeFrame(socket, payload)));
  for (const size of sizes) {
    const payload = Buffer.alloc(size, 7);
    const reps = repsFor(size);
    const passes: number[] = [];
    for (let pass = 0; pass < 6; pass++) {
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) await roundTrip(payload);
      if (pass >= 2) passes.push(((performance.now() - t0) / reps / 2) * 1000);
    }
    passes.sort((a, b) => a - b);
    console.log(JSON.stringify({ mode: "raw-unix", size, oneWayUs: passes[passes.length >> 1] }));
  }
  child.kill();
  socket.destroy();
  server.close();
}
