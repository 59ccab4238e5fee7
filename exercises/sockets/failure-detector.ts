// Exercise 7 (lab book part 1, "Détection de défaillances"): one of the two heartbeat failure detectors.
// Every period it sends heartbeat n+1 to each process it watches and keeps, per process, the last
// heartbeat sent and the last one answered; when a process lags more than --threshold heartbeats it is
// suspected, and as soon as it answers again it is trusted. Both detectors keep the ALIVE/DEAD lists of
// every process (theirs and the other's) and tell each other their suspicions over one TCP link.
// Lines: WATCHING p, KNOWN p, SUSPECT p source=local|peer, TRUST p source=local|peer.
// This file is the program (options, TCP, timer, --spawn); the algorithm is failure-detector-algorithm.ts.
//   npx tsx exercises/sockets/failure-detector.ts --spawn 8 [--hostfile machines.txt]   (two detectors + 8 processes)
import * as net from "node:net";
import { fileURLToPath } from "node:url";
import { cli, die, parseHostPort, portsAreValid, socketErrorText } from "./common/cli.ts";
import { listenHostOption, loopbackNote } from "./common/listen.ts";
import { connectWithRetry, listen, onMessages, send } from "./common/net.ts";
import { freePort } from "./common/spawn.ts";
import { machinesFor, MACHINE_OPTIONS } from "./common/machines.ts";
import { FailureDetector, type Message } from "./failure-detector-algorithm.ts";

const program = "failure-detector";
const argv = cli(
  program,
  "$0 --name d1 --port P [--peer HOST:PORT]\n$0 --spawn K   (two detectors and K watched processes on this machine)",
)
  .option("name", { type: "string", default: "d1", describe: "this detector's name" })
  .option("port", {
    type: "number",
    default: 7100,
    describe: "TCP port for watched processes (and the other detector)",
  })
  .option("bind", listenHostOption)
  .option("peer", { type: "string", describe: "host:port of the other detector (omit on the one that waits)" })
  .option("period-ms", { type: "number", default: 1000, describe: "time between two heartbeats" })
  .option("threshold", { type: "number", default: 3, describe: "missed heartbeats before a process is suspected" })
  .option("spawn", {
    type: "number",
    describe: "start both detectors and K watched processes here (or on --hostfile's machines)",
  })
  .options(MACHINE_OPTIONS)
  .check(portsAreValid("port"))
  .parseSync();

async function spawnAll(count: number): Promise<never> {
  const [p1, p2] = [await freePort(), await freePort()];
  const machines = await machinesFor(program, argv);
  const timing = [
    "--period-ms",
    String(argv["period-ms"]),
    "--threshold",
    String(argv.threshold),
    "--bind",
    machines.bind,
  ];
  const watched = fileURLToPath(new URL("./watched-process.ts", import.meta.url));
  process.exit(
    await machines.run(fileURLToPath(import.meta.url), [
      { label: "d1", args: ["--name", "d1", "--port", String(p1), ...timing] },
      {
        label: "d2",
        args: ["--name", "d2", "--port", String(p2), "--peer", `${machines.addressOf(0)}:${p1}`, ...timing],
      },
      ...Array.from({ length: count }, (_, i) => ({
        label: `p${i}`,
        program: watched,
        args: [
          "--name",
          `p${i}`,
          "--detector",
          i < count / 2 ? `${machines.addressOf(0)}:${p1}` : `${machines.addressOf(1)}:${p2}`,
        ],
      })),
    ]),
  );
}
if (argv.spawn !== undefined) await spawnAll(argv.spawn);

const detector = new FailureDetector<net.Socket>(argv.threshold, { send, print: (line) => console.log(line) });

function attach(socket: net.Socket): void {
  const from: { name?: string } = {};
  socket.on("error", () => {});
  socket.on("close", () => {
    if (socket === detector.peer) {
      detector.peer = undefined;
      console.log("PEER lost: suspicions are no longer exchanged");
    } else if (from.name) console.log(`${from.name} closed its connection`); // it will miss heartbeats and be suspected
  });
  onMessages<Message>(socket, (message) => detector.onMessage(socket, message, from));
}

try {
  await listen(net.createServer(attach), argv.port, argv.bind);
} catch (error) {
  die(program, `cannot listen on TCP ${argv.bind}:${argv.port}: ${socketErrorText(error, argv.bind, argv.port)}`);
}
const bound = (argv.threshold + 1) * argv["period-ms"];
console.log(
  `${program} ${argv.name} listening on ${argv.bind}:${argv.port}; heartbeat every ${argv["period-ms"]} ms, a stopped process is suspected within ${bound} ms${loopbackNote(argv.bind)}`,
);
if (argv.peer) {
  let address: { host: string; port: number };
  try {
    address = parseHostPort(argv.peer);
  } catch (error) {
    die(program, `--peer: ${(error as Error).message}`);
  }
  const socket = await connectWithRetry(address.host, address.port).catch((error) =>
    die(program, `cannot reach the other detector: ${socketErrorText(error, address.host, address.port)}`),
  );
  attach(socket);
  send(socket, { op: "hello", role: "detector", name: argv.name });
  detector.greetPeer(socket, argv.peer);
}
setInterval(() => detector.heartbeat(), argv["period-ms"]);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(0));
