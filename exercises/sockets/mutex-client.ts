// Exercise 4 (lab book part 1, "Exclusion mutuelle I"): a client of the central mutex server. It stays
// connected, and each round asks for the critical section, waits for the grant, appends its lines to
// the shared file one by one (slowly, so that two writers at once would interleave), then releases.
// With --interactive, Enter asks for the lock and Enter again leaves the critical section.
//   npx tsx exercises/sockets/mutex-client.ts --host 127.0.0.1 --port 9877 --name alice --file /tmp/shared.txt
import * as fs from "node:fs/promises";
import * as readline from "node:readline";
import { cli, die, portsAreValid, socketErrorText } from "./common/cli.ts";
import { connect, onMessages, send } from "./common/net.ts";

const program = "mutex-client";
const argv = cli(program, "$0 --host HOST --port PORT --name NAME --file SHARED [--rounds R] [--interactive]")
  .option("host", { type: "string", default: "127.0.0.1", describe: "mutex server machine" })
  .option("port", { type: "number", default: 9877, describe: "mutex server port" })
  .option("name", { type: "string", default: `client-${process.pid}`, describe: "name written in the file" })
  .option("file", { type: "string", default: "/tmp/shared.txt", describe: "the shared file to append to" })
  .option("rounds", { type: "number", default: 0, describe: "critical sections to do, then leave (0 = forever)" })
  .option("lines", { type: "number", default: 3, describe: "lines written per critical section" })
  .option("line-delay-ms", { type: "number", default: 100, describe: "pause between two lines inside" })
  .option("think-ms", { type: "number", default: 500, describe: "pause between two rounds outside" })
  .option("interactive", {
    type: "boolean",
    default: false,
    describe: "Enter to ask for the lock, Enter to release it",
  })
  .check(portsAreValid("port"))
  .parseSync();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const socket = await connect(argv.host, argv.port).catch((error) =>
  die(program, socketErrorText(error, argv.host, argv.port)),
);
let granted: (() => void) | undefined;
onMessages<{ op: string; message?: string }>(socket, (reply) => {
  if (reply.op === "grant") granted?.();
  else console.error(`${program}: server says ${reply.message ?? reply.op}`);
});
socket.on("error", (error) => die(program, socketErrorText(error, argv.host, argv.port)));
socket.on("close", () => die(program, "the mutex server closed the connection"));
send(socket, { op: "hello", name: argv.name });

async function enter(): Promise<void> {
  // SOLUTION BEGIN: send {op: "request"}, print "WAITING NAME", wait for the server's grant, print "ENTERED NAME"
  // STARTER: console.log(`ENTERED ${argv.name}`);
  const grant = new Promise<void>((resolve) => (granted = resolve));
  send(socket, { op: "request" });
  console.log(`WAITING ${argv.name}`);
  await grant;
  console.log(`ENTERED ${argv.name}`);
  // SOLUTION END
}

async function writeLines(round: number): Promise<void> {
  for (let line = 1; line <= argv.lines; line++) {
    await fs.appendFile(argv.file, `${argv.name} round ${round} line ${line}/${argv.lines}\n`);
    if (line < argv.lines) await sleep(argv["line-delay-ms"]);
  }
}

function leave(): void {
  // SOLUTION BEGIN: send {op: "release"} and print "RELEASED NAME"
  send(socket, { op: "release" });
  console.log(`RELEASED ${argv.name}`);
  // SOLUTION END
}

if (argv.interactive) {
  const input = readline.createInterface({ input: process.stdin });
  const lines = input[Symbol.asyncIterator]();
  for (let round = 1; ; round++) {
    console.log("Press Enter to ask for the critical section");
    if ((await lines.next()).done) break;
    await enter();
    await writeLines(round);
    console.log(`INSIDE ${argv.name}: press Enter to leave the critical section`);
    if ((await lines.next()).done) break;
    leave();
  }
} else {
  for (let round = 1; argv.rounds === 0 || round <= argv.rounds; round++) {
    await enter();
    await writeLines(round);
    leave();
    if (argv.rounds === 0 || round < argv.rounds) await sleep(argv["think-ms"]);
  }
}
console.log(`DONE ${argv.name}`);
socket.removeAllListeners("close");
socket.end();
