// The process that hosts ranks as worker threads (`tsrun --transport shm`): every rank of a job on this
// machine, or the ranks of one host of a job across hosts (`--hostfile`, started over SSH). It allocates the
// shared-memory segment those ranks map, starts one worker per rank running the job's bundle, and reports
// how each one ended, so tsrun supervises threads as it does processes. Two ways to talk to tsrun:
//  - on this machine (no argument): fd 3 is the control pipe (JSON lines; first the job's configuration,
//    then "kill" requests; back "started" and "exit" reports), fds 4+2i and 5+2i carry the stdout and
//    stderr of the i-th rank, and its own stdin goes to rank 0;
//  - over SSH (`--over-ssh`, under the guard of launcher/ssh/hosts.ts): stdin carries the same JSON lines
//    plus rank 0's input ({t:"in", data: base64}, {t:"in-end"}); stdout carries one line per line a rank
//    prints ("o<rank> text", "e<rank> text") and the reports ("c {json}"), each rank's exit after its last
//    line; the job's variables and secret come in the configuration line.
// Plain JavaScript: it runs under plain node, before any TypeScript is loaded.
import * as net from "node:net";
import { Worker } from "node:worker_threads";

const overSsh = process.argv.includes("--over-ssh");
const control = overSsh ? process.stdin : new net.Socket({ fd: 3, readable: true, writable: true });
const workers = new Map();
const killed = new Set();
let buffered = "";
let finished = false;

function report(message) {
  if (overSsh) process.stdout.write(`c ${JSON.stringify(message)}\n`);
  else control.write(JSON.stringify(message) + "\n");
}

/** Over SSH: each whole line of a rank's stream as one tagged line of ours (a last partial line at its end). */
function forwardTagged(stream, tag) {
  const prefix = Buffer.from(`${tag} `);
  const newline = Buffer.from("\n");
  let pending = Buffer.alloc(0);
  stream.on("data", (chunk) => {
    let data = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    let nl;
    while ((nl = data.indexOf(10)) >= 0) {
      process.stdout.write(Buffer.concat([prefix, data.subarray(0, nl + 1)]));
      data = data.subarray(nl + 1);
    }
    pending = Buffer.from(data);
  });
  return new Promise((resolve) => {
    const flush = () => {
      if (pending.length) process.stdout.write(Buffer.concat([prefix, pending, newline]));
      pending = Buffer.alloc(0);
      resolve();
    };
    stream.on("end", flush);
    stream.on("close", flush);
  });
}

function start(config) {
  const buffer = new SharedArrayBuffer(config.shmBytes);
  const ranks = config.ranks ?? Array.from({ length: config.size }, (_, r) => r);
  // Over SSH the guard's environment (this host's private socket directory) is the base; the job's variables
  // and its secret come in the configuration line, never on a command line or in /proc/<pid>/environ.
  const inherited = overSsh ? process.env : {};
  ranks.forEach((rank, index) => {
    const worker = new Worker(config.bundle, {
      argv: config.args,
      env: { ...inherited, ...config.env, ...config.rankEnv[index] },
      stdin: rank === 0,
      stdout: true,
      stderr: true,
      workerData: { tsmpiShm: buffer, tsmpiShmRanks: ranks },
    });
    workers.set(rank, worker);
    let outputs = Promise.resolve();
    if (overSsh) {
      outputs = Promise.all([forwardTagged(worker.stdout, `o${rank}`), forwardTagged(worker.stderr, `e${rank}`)]);
      if (rank === 0) worker.stdin.on("error", () => {});
    } else {
      worker.stdout.pipe(new net.Socket({ fd: 4 + 2 * index, writable: true, readable: false }));
      worker.stderr.pipe(new net.Socket({ fd: 5 + 2 * index, writable: true, readable: false }));
      if (rank === 0) {
        process.stdin.on("error", () => {});
        worker.stdin.on("error", () => {});
        process.stdin.pipe(worker.stdin);
      }
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
    worker.on("exit", (code) => void outputs.then(() => exited(rank, code)));
  });
  report({ t: "started", pid: process.pid });
}

function exited(rank, code) {
  workers.delete(rank);
  report(
    killed.has(rank) ? { t: "exit", rank, code: null, signal: "SIGKILL" } : { t: "exit", rank, code, signal: null },
  );
  if (workers.size > 0) return;
  // The last rank is gone: let the output pipes flush, then the process ends by itself.
  finished = true;
  if (overSsh) return void process.stdin.destroy();
  process.stdin.unpipe();
  process.stdin.destroy();
  control.end();
}

function kill(rank) {
  const worker = workers.get(rank);
  if (!worker) return;
  killed.add(rank);
  void worker.terminate();
}

function handle(message) {
  if (message.t === "config") start(message);
  else if (message.t === "kill") kill(message.rank);
  else if (message.t === "in") workers.get(0)?.stdin?.write(Buffer.from(message.data, "base64"));
  else if (message.t === "in-end") workers.get(0)?.stdin?.end();
}

control.setEncoding("utf8");
control.on("data", (chunk) => {
  buffered += chunk;
  let nl;
  while ((nl = buffered.indexOf("\n")) >= 0) {
    const message = JSON.parse(buffered.slice(0, nl));
    buffered = buffered.slice(nl + 1);
    handle(message);
  }
});
// tsrun is gone: no rank may outlive it.
control.on("close", () => (overSsh && finished) || process.exit(1));
control.on("error", () => (overSsh && finished) || process.exit(1));
