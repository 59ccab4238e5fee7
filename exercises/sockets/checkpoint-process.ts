// Exercise 8 (lab book part 1, "Checkpoint distribué"), one process of the counter application, started
// by checkpoint.ts: the program around checkpoint-process-algorithm.ts (the counter and the blocking
// coordinated checkpoint, by markers). It listens on a port the system chooses, joins the launcher, and once
// the launcher says "all connected" opens a channel to every other process (complete graph, FIFO channels);
// it writes each checkpoint to a local file, tells the launcher, and resumes when the launcher says so.
// Lines: CHECKPOINT {"wave","process","counter","sent","received","file"}, FINAL <counter>.
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { cli, die, parseHostPort, socketErrorText } from "./common/cli.ts";
import { listenHostOption, loopbackNote } from "./common/listen.ts";
import { connect, connectWithRetry, listen, onMessages, send } from "./common/net.ts";
import { CheckpointProcess, type PeerMessage } from "./checkpoint-process-algorithm.ts";

const program = "checkpoint-process";
const argv = cli(
  program,
  "$0 --id I --launcher HOST:PORT [--bind ADDR] [--tick-ms T] [--delay-ms D] [--dir DIR]   (started by checkpoint.ts)",
)
  .option("id", { type: "number", demandOption: true, describe: "this process's number (0..N-1)" })
  .option("launcher", { type: "string", demandOption: true, describe: "host:port of the launcher" })
  .option("bind", listenHostOption)
  .option("tick-ms", { type: "number", default: 20, describe: "time between two application messages" })
  .option("delay-ms", {
    type: "number",
    default: 0,
    describe: "latency added to every message sent to a peer (keeps FIFO)",
  })
  .option("dir", {
    type: "string",
    default: os.tmpdir(),
    describe: "where the checkpoint file is written (local to each machine)",
  })
  .parseSync();

type LauncherMessage =
  | { op: "all-connected"; peers: { host: string; port: number }[] }
  | { op: "checkpoint"; wave: number }
  | { op: "resume"; wave: number }
  | { op: "stop" };

const me = argv.id;
let launcherAddress: { host: string; port: number };
try {
  launcherAddress = parseHostPort(argv.launcher);
} catch (error) {
  die(program, `--launcher: ${(error as Error).message}`);
}
const file = path.join(argv.dir, `checkpoint-p${me}-${process.pid}.txt`);
const outgoing = new Map<number, net.Socket>();
let stopped = false;

const transmit = (j: number, message: PeerMessage) => {
  const write = () => send(outgoing.get(j)!, message);
  if (argv["delay-ms"] > 0)
    setTimeout(write, argv["delay-ms"]); // one delay for all: timers keep FIFO order
  else write();
};

const node = new CheckpointProcess(me, {
  transmit,
  random: Math.random,
  saveCheckpoint(state) {
    const record = { ...state, file: `${os.hostname()}:${file}` };
    fs.appendFileSync(file, `${JSON.stringify(record)}\n`);
    console.log(`CHECKPOINT ${JSON.stringify(record)}`);
    send(toLauncher, { op: "checkpointed", wave: state.wave, process: me });
  },
});

async function onLauncherMessage(message: LauncherMessage): Promise<void> {
  if (message.op === "all-connected") {
    node.connected(message.peers.length);
    for (const j of message.peers.keys()) {
      if (j === me) continue;
      const { host, port } = message.peers[j];
      const socket = await connect(host, port).catch((error) =>
        die(program, `process ${me} cannot reach process ${j}: ${socketErrorText(error, host, port)}`),
      );
      socket.on("error", () => {});
      send(socket, { op: "hello", from: me });
      outgoing.set(j, socket);
    }
    send(toLauncher, { op: "connected", process: me });
    setInterval(() => node.tick(), argv["tick-ms"]).unref();
  } else if (message.op === "checkpoint") node.startWave(message.wave);
  else if (message.op === "resume") node.resume();
  else if (message.op === "stop") {
    stopped = true;
    node.stop();
    console.log(`FINAL ${node.counter}`);
    await Promise.all([...outgoing.values()].map((s) => new Promise<void>((r) => s.end(() => r()))));
    toLauncher.end(() => process.exit(0));
  }
}

const server = net.createServer((socket) => {
  let from = -1;
  socket.on("error", () => {});
  onMessages<PeerMessage>(socket, (message) =>
    message.op === "hello" ? (from = message.from) : node.onPeerMessage(from, message),
  );
});
let port: number;
try {
  port = await listen(server, 0, argv.bind);
} catch (error) {
  die(program, `cannot listen on TCP ${argv.bind}: ${socketErrorText(error, argv.bind, 0)}`);
}
const toLauncher = await connectWithRetry(launcherAddress.host, launcherAddress.port).catch((error) =>
  die(program, `cannot reach the launcher: ${socketErrorText(error, launcherAddress.host, launcherAddress.port)}`),
);
toLauncher.on("error", () => {});
toLauncher.on("close", () => stopped || die(program, `process ${me}: the launcher went away`));
onMessages<LauncherMessage>(toLauncher, (message) => void onLauncherMessage(message));
send(toLauncher, { op: "join", process: me, port, host: os.hostname() });
console.log(
  `process ${me} on ${os.hostname()} listening on ${argv.bind}:${port}; checkpoints go to ${file}${loopbackNote(argv.bind)}`,
);
