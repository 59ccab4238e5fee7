// Exercise 8 (lab book part 1, "Checkpoint distribué"): the launcher of the counter application with a
// blocking coordinated checkpoint. It listens on a port the system chooses and starts N processes
// (checkpoint-process.ts) on this machine, or with --hostfile on the listed machines over SSH through the
// launcher library (process i on machine i mod M), as exercise 5 does. Every process first joins the
// launcher; once all have joined the launcher sends each one "all connected" with every address (only then
// may they connect to each other: a process cannot connect to one not yet started). When every process has
// its channels, the launcher starts a checkpoint wave every --every-ms: a marker to every process; a wave
// ends when every process has written its checkpoint, and then the processes are resumed. After --waves
// waves it stops them. The non-blocking Chandy–Lamport snapshot with transfers is exercise 8-ext
// (snapshot.ts). Lines: ALL CONNECTED, WAVE k START, WAVE k DONE, and the processes' lines prefixed [pI].
//   npx tsx exercises/sockets/checkpoint.ts --np 4 [--hostfile machines.txt] [--waves 3] [--every-ms 1000]
import * as net from "node:net";
import * as path from "node:path";
import { cli, die, socketErrorText } from "./common/cli.ts";
import { listen, onMessages, send } from "./common/net.ts";
import { machinesFor, MACHINE_OPTIONS } from "./common/machines.ts";

const program = "checkpoint";
const argv = cli(
  program,
  "$0 --np N [--hostfile FILE] [--waves K] [--every-ms T] [--tick-ms T] [--delay-ms D] [--dir DIR]",
)
  .option("np", { type: "number", default: 4, describe: "number of processes" })
  .option("waves", { type: "number", default: 3, describe: "checkpoint waves before stopping" })
  .option("every-ms", { type: "number", default: 1000, describe: "time between the end of a wave and the next one" })
  .option("tick-ms", { type: "number", default: 20, describe: "time between two application messages of a process" })
  .option("delay-ms", { type: "number", default: 0, describe: "latency added to every message between processes" })
  .option("dir", {
    type: "string",
    describe: "directory of the checkpoint files on each machine (default: its temporary directory)",
  })
  .option("process", {
    type: "string",
    default: path.join(import.meta.dirname, "checkpoint-process.ts"),
    describe: "the process program (same path on every machine)",
  })
  .options(MACHINE_OPTIONS)
  .check((a) => (Number.isInteger(a.np) && a.np >= 2) || "--np must be a whole number ≥ 2")
  .check((a) => (Number.isInteger(a.waves) && a.waves >= 1) || "--waves must be a whole number ≥ 1")
  .parseSync();

type Message =
  | { op: "join"; process: number; port: number; host: string }
  | { op: "connected"; process: number }
  | { op: "checkpointed"; wave: number; process: number };

const n = argv.np;
const joined = new Map<number, { socket: net.Socket; host: string; port: number }>();
const connected = new Set<number>();
let wave = 0;
let checkpointed = new Set<number>();
const broadcast = (message: object) => joined.forEach((p) => send(p.socket, message));

function onMessage(socket: net.Socket, message: Message): void {
  if (message.op === "join" && message.process >= 0 && message.process < n && !joined.has(message.process)) {
    const host = (socket.remoteAddress ?? "127.0.0.1").replace(/^::ffff:/, "");
    joined.set(message.process, { socket, host, port: message.port });
    console.log(`JOINED p${message.process} on ${message.host} (${host}:${message.port})`);
    if (joined.size === n) {
      console.log(`ALL CONNECTED: ${n} processes`);
      const peers = Array.from({ length: n }, (_, i) => ({ host: joined.get(i)!.host, port: joined.get(i)!.port }));
      broadcast({ op: "all-connected", peers });
    }
  } else if (message.op === "connected") {
    connected.add(message.process);
    if (connected.size === n) setTimeout(startWave, argv["every-ms"]);
  } else if (message.op === "checkpointed" && message.wave === wave) {
    checkpointed.add(message.process);
    if (checkpointed.size < n) return;
    console.log(`WAVE ${wave} DONE: ${n} checkpoints written`);
    if (wave >= argv.waves) return broadcast({ op: "stop" });
    broadcast({ op: "resume", wave });
    setTimeout(startWave, argv["every-ms"]);
  }
}

function startWave(): void {
  wave++;
  checkpointed = new Set();
  console.log(`WAVE ${wave} START`);
  broadcast({ op: "checkpoint", wave });
}

const machines = await machinesFor(program, argv);
const server = net.createServer((socket) => {
  socket.on("error", () => {});
  onMessages<Message>(
    socket,
    (message) => onMessage(socket, message),
    () => socket.destroy(),
  );
});
let port: number;
try {
  port = await listen(server, 0, machines.bind);
} catch (error) {
  die(program, `cannot listen: ${socketErrorText(error, machines.bind, 0)}`);
}
console.log(`LISTENING on ${machines.bind}:${port}; starting ${n} processes`);
const shared = [
  "--tick-ms",
  String(argv["tick-ms"]),
  "--delay-ms",
  String(argv["delay-ms"]),
  "--bind",
  machines.bind,
  ...(argv.dir ? ["--dir", argv.dir] : []),
];
const code = await machines.run(
  path.resolve(argv.process),
  Array.from({ length: n }, (_, i) => ({
    label: `p${i}`,
    args: ["--id", String(i), "--launcher", `${machines.launcherAddressFor(i)}:${port}`, ...shared],
  })),
);
server.close();
process.exit(wave >= argv.waves && checkpointed.size === n ? code : 1);
