// Exercise 8 (lab book part 1, "Checkpoint distribué"): one process of a complete graph exchanging
// money (random transfers), with Chandy–Lamport snapshots started by process 0. On its first marker of
// snapshot k a process records its balance and counters, sends a marker on every outgoing channel, and
// records each incoming channel (transfers that arrive) until that channel's marker arrives. Recorded
// balances + recorded channel contents conserve the total. Lines: SNAPSHOT {json}, GLOBAL {json}, FINAL b.
// This file is the program (options, TCP links, timers, --spawn); the algorithm is snapshot-algorithm.ts.
//   npx tsx exercises/sockets/snapshot.ts --spawn 4 [--hostfile machines.txt]   (over SSH, as exercise 5)
import * as net from "node:net";
import { fileURLToPath } from "node:url";
import { cli, die, parseHostPort, socketErrorText } from "./common/cli.ts";
import { listenHostOption, loopbackNote } from "./common/listen.ts";
import { connectWithRetry, listen, onMessages, send } from "./common/net.ts";
import { freePort } from "./common/spawn.ts";
import { machinesFor, MACHINE_OPTIONS } from "./common/machines.ts";
import { SnapshotProcess, type Message } from "./snapshot-algorithm.ts";

const program = "snapshot";
const argv = cli(
  program,
  "$0 --id I --peers H:P,H:P,… [options]   (listens on the I-th address)\n$0 --spawn N [options]",
)
  .option("id", { type: "number", describe: "this process's index in --peers (0 starts the snapshots)" })
  .option("peers", { type: "string", describe: "every process's host:port, comma-separated, in id order" })
  .option("bind", listenHostOption)
  .option("initial", { type: "number", default: 100, describe: "money each process starts with" })
  .option("tick-ms", { type: "number", default: 50, describe: "time between two transfers of a process" })
  .option("delay-ms", { type: "number", default: 0, describe: "latency added to every message (keeps FIFO)" })
  .option("snapshots", { type: "number", default: 3, describe: "snapshots process 0 takes before stopping everyone" })
  .option("every-ms", { type: "number", default: 1000, describe: "time between two snapshots" })
  .option("spawn", { type: "number", describe: "start N processes on this machine (or on --hostfile's machines)" })
  .options(MACHINE_OPTIONS)
  .check(
    (a) =>
      a.spawn !== undefined || (a.id !== undefined && a.peers !== undefined) || "give --id and --peers (or --spawn N)",
  )
  .parseSync();

if (argv.spawn !== undefined) {
  const ports = await Promise.all(Array.from({ length: argv.spawn }, () => freePort()));
  const machines = await machinesFor(program, argv);
  const peers = ports.map((p, i) => `${machines.addressOf(i)}:${p}`).join(",");
  const launcherOnly = new Set(["--spawn", ...Object.keys(MACHINE_OPTIONS).map((k) => `--${k}`)]);
  const shared = process.argv
    .slice(2)
    .filter(
      (_, i, all) =>
        !launcherOnly.has(all[i].split("=")[0]) &&
        !(launcherOnly.has(all[i - 1]) && all[i - 1] !== "--accept-new-hosts"),
    );
  process.exit(
    await machines.run(
      fileURLToPath(import.meta.url),
      ports.map((_, i) => ({
        label: `p${i}`,
        args: ["--id", String(i), "--peers", peers, "--bind", machines.bind, ...shared],
      })),
    ),
  );
}

const me = argv.id!;
let peers: { host: string; port: number }[];
try {
  peers = argv.peers!.split(",").map(parseHostPort);
} catch (error) {
  die(program, `--peers: ${(error as Error).message}`);
}
if (!(me >= 0 && me < peers.length)) die(program, `--id ${me} is not an index of --peers (0..${peers.length - 1})`);
const others = peers.map((_, j) => j).filter((j) => j !== me);
const outgoing = new Map(
  others.map((j) => [
    j,
    connectWithRetry(peers[j].host, peers[j].port).then(
      (s) => (s.on("error", () => {}), send(s, { op: "hello", from: me }), s),
    ),
  ]),
);
const transmit = (j: number, message: Message) => {
  const write = () =>
    void outgoing.get(j)!.then(
      (s) => send(s, message),
      (error) =>
        die(
          program,
          `process ${me} cannot reach process ${j}: ${socketErrorText(error, peers[j].host, peers[j].port)}`,
        ),
    );
  if (argv["delay-ms"] > 0)
    setTimeout(write, argv["delay-ms"]); // same delay for all: timers keep FIFO order
  else write();
};
const closeAndExit = () =>
  Promise.all([...outgoing.values()].map((p) => p.then((s) => new Promise<void>((r) => s.end(() => r()))))).then(() =>
    process.exit(0),
  );
const bank = new SnapshotProcess(
  { me, processes: peers.length, initial: argv.initial, snapshots: argv.snapshots },
  {
    transmit,
    print: (line) => console.log(line),
    nextSnapshotLater: (take) => setTimeout(take, argv["every-ms"]),
    finish: () => setTimeout(closeAndExit, argv["delay-ms"]), // after our own delayed stops have been written
    random: Math.random,
  },
);

const server = net.createServer((socket) => {
  let from = -1;
  socket.on("error", () => {});
  onMessages<Message>(socket, (message) =>
    message.op === "hello" ? (from = message.from) : bank.onMessage(from, message),
  );
});
try {
  await listen(server, peers[me].port, argv.bind);
} catch (error) {
  die(
    program,
    `cannot listen on TCP ${argv.bind}:${peers[me].port}: ${socketErrorText(error, argv.bind, peers[me].port)}`,
  );
}
console.log(
  `process ${me} listening on ${argv.bind}:${peers[me].port} with ${bank.balance}; ${others.length} peers${loopbackNote(argv.bind)}`,
);
await Promise.all(outgoing.values());
setInterval(() => bank.transferSomething(), argv["tick-ms"]);
if (me === 0) setTimeout(() => bank.recordLocalState(1), argv["every-ms"]);
