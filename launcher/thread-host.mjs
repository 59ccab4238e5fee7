// The process that hosts a job's ranks as worker threads (`tsrun --transport shm`). tsrun starts it with
// one pipe for control (fd 3: JSON lines; first the job's configuration, then "kill" requests; back
// "exit" reports) and two pipes per rank for its stdout and stderr (fds 4+2r and 5+2r); its own stdin goes
// to rank 0. It allocates the shared-memory segment every rank maps, starts one worker per rank running
// the job's bundle, and reports how each one ended, so tsrun supervises threads as it does processes.
// Plain JavaScript: it runs under plain node, before any TypeScript is loaded.
import * as net from "node:net";
import { Worker } from "node:worker_threads";

const control = new net.Socket({ fd: 3, readable: true, writable: true });
const workers = new Map();
const killed = new Set();
let buffered = "";

function report(message) {
  control.write(JSON.stringify(message) + "\n");
}

function start(config) {
  const buffer = new SharedArrayBuffer(config.shmBytes);
  for (let rank = 0; rank < config.size; rank++) {
    const env = { ...config.env, ...config.rankEnv[rank] };
    const worker = new Worker(config.bundle, {
      argv: config.args,
      env,
      stdin: rank === 0,
      stdout: true,
      stderr: true,
      workerData: { tsmpiShm: buffer },
    });
    workers.set(rank, worker);
    worker.stdout.pipe(new net.Socket({ fd: 4 + 2 * rank, writable: true, readable: false }));
    worker.stderr.pipe(new net.Socket({ fd: 5 + 2 * rank, writable: true, readable: false }));
    if (rank === 0) {
      process.stdin.on("error", () => {});
      worker.stdin.on("error", () => {});
      process.stdin.pipe(worker.stdin);
    }
    worker.on("message", (m) => {
      if (m && m.t === "crash") kill(rank);
    });
    worker.on("error", (err) => {
      // An error the rank's own handlers did not catch (they normally report it to tsrun first).
      const text =
        err && err.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? "ran out of memory (the JavaScript heap limit); use less memory, or give node a larger --max-old-space-size through TSMPI_NODE_ARGS"
          : String(err && err.message ? err.message : err);
      process.stderr.write(`tsmpi: rank ${rank} ${text}\n`);
    });
    worker.on("exit", (code) => {
      workers.delete(rank);
      report(
        killed.has(rank) ? { t: "exit", rank, code: null, signal: "SIGKILL" } : { t: "exit", rank, code, signal: null },
      );
      // The last rank is gone: let the output pipes flush, then the process ends by itself.
      if (workers.size === 0) {
        process.stdin.unpipe();
        process.stdin.destroy();
        control.end();
      }
    });
  }
  report({ t: "started", pid: process.pid });
}

function kill(rank) {
  const worker = workers.get(rank);
  if (!worker) return;
  killed.add(rank);
  void worker.terminate();
}

control.setEncoding("utf8");
control.on("data", (chunk) => {
  buffered += chunk;
  let nl;
  while ((nl = buffered.indexOf("\n")) >= 0) {
    const message = JSON.parse(buffered.slice(0, nl));
    buffered = buffered.slice(nl + 1);
    if (message.t === "config") start(message);
    else if (message.t === "kill") kill(message.rank);
  }
});
// tsrun is gone: no rank may outlive it.
control.on("close", () => process.exit(1));
control.on("error", () => process.exit(1));
