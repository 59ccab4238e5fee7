// Exercise 7 (lab book part 1, "Détection de défaillances"): a process watched by a failure detector.
// It connects to its detector, says its name, and answers every heartbeat with the heartbeat's number.
// Stop it with `kill -STOP <pid>` and its detector stops getting answers; `kill -CONT <pid>` resumes it.
//   npx tsx exercises/sockets/watched-process.ts --name p1 --detector 127.0.0.1:7100
import { cli, die, parseHostPort, socketErrorText } from "./common/cli.ts";
import { connectWithRetry, onMessages, send } from "./common/net.ts";

const program = "watched-process";
const argv = cli(program, "$0 --name NAME --detector HOST:PORT\n\nAnswers the heartbeats of its failure detector.")
  .option("name", { type: "string", demandOption: true, describe: "this process's name, unique in the system" })
  .option("detector", {
    type: "string",
    demandOption: true,
    describe: "host:port of the detector watching this process",
  })
  .parseSync();

let detector: { host: string; port: number };
try {
  detector = parseHostPort(argv.detector);
} catch (error) {
  die(program, `--detector: ${(error as Error).message}`);
}
const socket = await connectWithRetry(detector.host, detector.port).catch((error) =>
  die(program, `${argv.name} cannot reach its detector: ${socketErrorText(error, detector.host, detector.port)}`),
);
send(socket, { op: "hello", role: "process", name: argv.name });
console.log(`${argv.name} (pid ${process.pid}) watched by ${argv.detector}`);
onMessages<{ op: string; n: number }>(socket, (message) => {
  if (message.op === "heartbeat") send(socket, { op: "alive", n: message.n });
});
socket.on("error", () => {});
socket.on("close", () => die(program, `${argv.name}: the detector ${argv.detector} closed the connection`));
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(0));
