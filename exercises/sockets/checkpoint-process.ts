// Exercise 8 (lab book part 1, "Checkpoint distribué"), one process of the counter application, started
// by checkpoint.ts. It listens on a port the system chooses, joins the launcher, and once the launcher says
// "all connected" opens a channel to every other process (complete graph, FIFO channels). Application: every
// --tick-ms it increments its counter and sends the counter's value to a random other process (a receiver
// keeps the larger of its counter and the value). Checkpoint (blocking, coordinated, by markers): on the
// first marker of wave k (from the launcher or a peer) the process stops sending, sends a marker on every
// outgoing channel, and waits for the marker of every incoming channel; then every message sent before the
// cut has arrived, and it writes its state to a local file, tells the launcher, and waits to be resumed.
// Lines: CHECKPOINT {"wave","process","counter","sent","received","file"}, FINAL <counter>.
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { cli, die, parseHostPort, socketErrorText } from "./common/cli.ts";
import { listenHostOption, loopbackNote } from "./common/listen.ts";
import { connect, connectWithRetry, listen, onMessages, send } from "./common/net.ts";

const program = "checkpoint-process";
const argv = cli(program, "$0 --id I --launcher HOST:PORT [--bind ADDR] [--tick-ms T] [--delay-ms D] [--dir DIR]   (started by checkpoint.ts)")
  .option("id", { type: "number", demandOption: true, describe: "this process's number (0..N-1)" })
  .option("launcher", { type: "string", demandOption: true, describe: "host:port of the launcher" })
  .option("bind", listenHostOption)
  .option("tick-ms", { type: "number", default: 20, describe: "time between two application messages" })
  .option("delay-ms", { type: "number", default: 0, describe: "latency added to every message sent to a peer (keeps FIFO)" })
  .option("dir", { type: "string", default: os.tmpdir(), describe: "where the checkpoint file is written (local to each machine)" })
  .parseSync();

type PeerMessage = { op: "hello"; from: number } | { op: "value"; value: number } | { op: "marker"; wave: number };
type LauncherMessage = { op: "all-connected"; peers: { host: string; port: number }[] } | { op: "checkpoint"; wave: number } | { op: "resume"; wave: number } | { op: "stop" };

const me = argv.id;
let launcherAddress: { host: string; port: number };
try {
  launcherAddress = parseHostPort(argv.launcher);
} catch (error) {
  die(program, `--launcher: ${(error as Error).message}`);
}
const file = path.join(argv.dir, `checkpoint-p${me}-${process.pid}.txt`);
let counter = 0;
let others: number[] = [];
let sent: number[] = [];
let received: number[] = [];
const outgoing = new Map<number, net.Socket>();
let wave = 0; // the wave in progress (0: none)
let markersMissing = new Set<number>();
let blocked = false;
let stopped = false;

const transmit = (j: number, message: PeerMessage) => {
  const write = () => send(outgoing.get(j)!, message);
  if (argv["delay-ms"] > 0) setTimeout(write, argv["delay-ms"]); // one delay for all: timers keep FIFO order
  else write();
};

function tick(): void {
  if (stopped || others.length === 0) return;
  // SOLUTION BEGIN: no application message leaves while a checkpoint is in progress (blocking protocol)
  if (blocked) return;
  // SOLUTION END
  counter++;
  const to = others[Math.floor(Math.random() * others.length)];
  sent[to]++;
  transmit(to, { op: "value", value: counter });
}

// SOLUTION BEGIN: the first marker of a wave blocks the process and sends a marker on every outgoing channel; the last incoming marker writes the checkpoint
function startWave(k: number): void {
  if (k <= wave) return;
  wave = k;
  blocked = true;
  markersMissing = new Set(others);
  for (const j of others) transmit(j, { op: "marker", wave: k });
  if (markersMissing.size === 0) writeCheckpoint();
}

function onMarker(from: number, k: number): void {
  startWave(k);
  if (k === wave && markersMissing.delete(from) && markersMissing.size === 0) writeCheckpoint();
}
// STARTER: function startWave(k: number): void {}
// STARTER: function onMarker(from: number, k: number): void {}
// SOLUTION END

/** Every incoming channel is empty: the state is part of a consistent cut. Local file, then the launcher. */
function writeCheckpoint(): void {
  const record = { wave, process: me, counter, sent: [...sent], received: [...received], file: `${os.hostname()}:${file}` };
  fs.appendFileSync(file, `${JSON.stringify(record)}\n`);
  console.log(`CHECKPOINT ${JSON.stringify(record)}`);
  send(toLauncher, { op: "checkpointed", wave, process: me });
}

function onPeerMessage(from: number, message: PeerMessage): void {
  if (message.op === "value") {
    received[from] = (received[from] ?? 0) + 1; // may come before our own "all connected"
    counter = Math.max(counter, message.value);
  } else if (message.op === "marker") onMarker(from, message.wave);
}

async function onLauncherMessage(message: LauncherMessage): Promise<void> {
  if (message.op === "all-connected") {
    others = message.peers.map((_, j) => j).filter((j) => j !== me);
    sent = message.peers.map(() => 0);
    received = message.peers.map((_, j) => received[j] ?? 0);
    for (const j of others) {
      const { host, port } = message.peers[j];
      const socket = await connect(host, port).catch((error) => die(program, `process ${me} cannot reach process ${j}: ${socketErrorText(error, host, port)}`));
      socket.on("error", () => {});
      send(socket, { op: "hello", from: me });
      outgoing.set(j, socket);
    }
    send(toLauncher, { op: "connected", process: me });
    setInterval(tick, argv["tick-ms"]).unref();
  } else if (message.op === "checkpoint") startWave(message.wave);
  else if (message.op === "resume") blocked = false;
  else if (message.op === "stop") {
    stopped = true;
    console.log(`FINAL ${counter}`);
    await Promise.all([...outgoing.values()].map((s) => new Promise<void>((r) => s.end(() => r()))));
    toLauncher.end(() => process.exit(0));
  }
}

const server = net.createServer((socket) => {
  let from = -1;
  socket.on("error", () => {});
  onMessages<PeerMessage>(socket, (message) => (message.op === "hello" ? (from = message.from) : onPeerMessage(from, message)));
});
let port: number;
try {
  port = await listen(server, 0, argv.bind);
} catch (error) {
  die(program, `cannot listen on TCP ${argv.bind}: ${socketErrorText(error, argv.bind, 0)}`);
}
const toLauncher = await connectWithRetry(launcherAddress.host, launcherAddress.port).catch((error) =>
  die(program, `cannot reach the launcher: ${socketErrorText(error, launcherAddress.host, launcherAddress.port)}`));
toLauncher.on("error", () => {});
toLauncher.on("close", () => stopped || die(program, `process ${me}: the launcher went away`));
onMessages<LauncherMessage>(toLauncher, (message) => void onLauncherMessage(message));
send(toLauncher, { op: "join", process: me, port, host: os.hostname() });
console.log(`process ${me} on ${os.hostname()} listening on ${argv.bind}:${port}; checkpoints go to ${file}${loopbackNote(argv.bind)}`);
