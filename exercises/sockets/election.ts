// Exercise 6 (lab book part 1, "Élection de leader"): one process of a unidirectional ring. Chang-Roberts
// election with any number of simultaneous initiators (E<id> = election, F<id> = elected), then the
// leader takes number 0 and sends a numbering token T<k> round the ring: each process takes k as its
// number and passes k+1; when the token returns, the leader knows the count N and stops the ring (S).
// Machine-readable lines: LEADER <id>, NUMBER <k>, COUNT <n>. `--spawn N` starts a whole ring here.
// This file is the program (options, TCP links, --spawn); the algorithm is election-algorithm.ts.
//   npx tsx exercises/sockets/election.ts --spawn 5 [--hostfile machines.txt]   (over SSH, as exercise 5)
//   npx tsx exercises/sockets/election.ts --id 17 --port 7001 --next 127.0.0.1:7002 --initiator   (one per terminal)
import * as net from "node:net";
import { fileURLToPath } from "node:url";
import { cli, die, parseHostPort, portsAreValid, socketErrorText } from "./common/cli.ts";
import { listenHostOption, loopbackNote } from "./common/listen.ts";
import { connectWithRetry, listen, onLines } from "./common/net.ts";
import { freePort } from "./common/spawn.ts";
import { machinesFor, MACHINE_OPTIONS } from "./common/machines.ts";
import { RingProcess } from "./election-algorithm.ts";

const program = "election";
const argv = cli(
  program,
  "$0 --id ID --port PORT --next HOST:PORT [--initiator]\n$0 --spawn N [--ids 5,9,2] [--initiators 9,2]",
)
  .option("id", { type: "number", describe: "this process's unique identifier (a positive integer)" })
  .option("port", { type: "number", describe: "TCP port where the previous process connects" })
  .option("bind", listenHostOption)
  .option("next", { type: "string", describe: "host:port of the next process in the ring" })
  .option("initiator", { type: "boolean", default: false, describe: "start an election at once" })
  .option("spawn", {
    type: "number",
    describe: "start a ring of N processes on this machine (or on --hostfile's machines)",
  })
  .options(MACHINE_OPTIONS)
  .option("ids", { type: "string", describe: "with --spawn: comma-separated ids in ring order (default random)" })
  .option("initiators", { type: "string", describe: "with --spawn: ids of the initiators (default: a random half)" })
  .check(portsAreValid("port"))
  .check((a) =>
    a.spawn !== undefined
      ? a.spawn >= 1 || "--spawn needs at least 1 process"
      : (a.id !== undefined && a.port !== undefined && a.next !== undefined) ||
        "give --id, --port and --next (or --spawn N)",
  )
  .parseSync();

async function spawnRing(size: number): Promise<never> {
  const pool = Array.from({ length: size * 10 }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
  const ids = argv.ids ? argv.ids.split(",").map(Number) : pool.slice(0, size);
  if (ids.length !== size || new Set(ids).size !== size || !ids.every((i) => Number.isInteger(i) && i > 0))
    die(program, `--ids must list ${size} distinct positive integers`);
  const initiators = argv.initiators
    ? argv.initiators.split(",").map(Number)
    : ids.filter((_, i) => i === 0 || Math.random() < 0.5);
  const ports = await Promise.all(ids.map(() => freePort()));
  const machines = await machinesFor(program, argv);
  console.log(`ring: ${ids.join(" -> ")} -> ${ids[0]}; initiators: ${initiators.join(", ")}`);
  const members = ids.map((id, i) => ({
    label: `id ${id}`,
    args: [
      "--id",
      String(id),
      "--port",
      String(ports[i]),
      "--bind",
      machines.bind,
      "--next",
      `${machines.addressOf((i + 1) % size)}:${ports[(i + 1) % size]}`,
      ...(initiators.includes(id) ? ["--initiator"] : []),
    ],
  }));
  process.exit(await machines.run(fileURLToPath(import.meta.url), members));
}

if (argv.spawn !== undefined) await spawnRing(argv.spawn);
const me = argv.id!;
let next: { host: string; port: number };
try {
  next = parseHostPort(argv.next!);
} catch (error) {
  die(program, `--next: ${(error as Error).message}`);
}
let stopping = false;
const outgoing = connectWithRetry(next.host, next.port)
  .then((s) => s.on("error", () => {}))
  .catch((error) =>
    die(
      program,
      `process ${me} cannot reach the next process ${argv.next}: ${socketErrorText(error, next.host, next.port)}`,
    ),
  );
const ring = new RingProcess(me, argv.initiator, {
  pass: (message) => void outgoing.then((socket) => socket.write(message + "\n")),
  stop: (forward) => {
    stopping = true;
    void outgoing.then((socket) => socket.end(forward ? "S\n" : "", () => process.exit(0)));
  },
  print: (line) => console.log(line),
  ignore: (line) => console.error(`${program}: process ${me} ignores an unknown message "${line}"`),
});

const server = net.createServer((previous) => {
  previous.on("error", () => {});
  previous.on(
    "close",
    () => stopping || die(program, `process ${me}: the previous process left before the ring stopped`),
  );
  onLines(previous, (line) => line.trim() && ring.onMessage(line.trim()));
});
try {
  await listen(server, argv.port!, argv.bind);
} catch (error) {
  die(program, `cannot listen on TCP ${argv.bind}:${argv.port}: ${socketErrorText(error, argv.bind, argv.port!)}`);
}
console.log(
  `process ${me} listening on ${argv.bind}:${argv.port}, next is ${argv.next}${argv.initiator ? ", initiator" : ""}${loopbackNote(argv.bind)}`,
);
ring.start();
