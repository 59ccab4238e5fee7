// Exercise 2 (lab book part 1, "fingerd"): a minimal finger server (RFC 1288, ex-RFC 1196) on a TCP
// port (7979 by default, 79 is the well-known port and needs root). It reads one query line, runs the
// system `finger` program with the login as ONE argument (no shell: "x; rm -rf /" or "$(id)" is just a
// name nobody has), streams its whole output back however long, and closes. It writes its pid to a
// file at start and one log line per request (client address, login asked).
//   npx tsx exercises/sockets/fingerd.ts --port 7979 --pid-file /tmp/finger.pid --log-file /tmp/finger.log
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import { cli, die, portsAreValid, socketErrorText } from "./common/cli.ts";
import { listenHostOption, loopbackNote } from "./common/listen.ts";
import { listen } from "./common/net.ts";
import { openOwnFile, writeOwnFile } from "./common/own-file.ts";

const program = "fingerd";
const argv = cli(
  program,
  "$0 [--port 7979] [--pid-file F] [--log-file F]\n\nAnswers finger queries with the output of the local `finger` program.",
)
  .option("port", { type: "number", default: 7979, describe: "TCP port (79 is finger's well-known port, root only)" })
  .option("bind", listenHostOption)
  .option("max-children", {
    type: "number",
    default: 16,
    describe: "finger processes running at once; more queries are told to retry",
  })
  .option("pid-file", { type: "string", default: "/tmp/finger.pid", describe: "file that receives the server's pid" })
  .option("log-file", {
    type: "string",
    default: "/tmp/finger.log",
    describe: "file that receives one line per request",
  })
  .option("finger", { type: "string", default: "finger", describe: "the finger program to run (found on PATH)" })
  .check(portsAreValid("port"))
  .parseSync();

const MAX_QUERY_BYTES = 1024;

/** RFC 1288 query line: [/W] [user] ; "user@host" asks for forwarding, which we refuse. */
function parseQuery(line: string): { verbose: boolean; user: string } {
  const match = /^\s*(\/W\s*)?(.*?)\s*$/.exec(line)!;
  return { verbose: Boolean(match[1]), user: match[2] };
}

function logRequest(client: string, user: string, verbose: boolean): void {
  const line = `${new Date().toISOString()} client=${client} login=${JSON.stringify(user)}${verbose ? " verbose" : ""}\n`;
  fs.write(logFd, line, (error) => error && console.error(`${program}: cannot write the log: ${error.message}`));
}

/** Runs finger with the login as a single argv element and streams stdout+stderr to the client. */
let running = 0;

function answer(socket: net.Socket, verbose: boolean, user: string): void {
  // SOLUTION BEGIN: refuse user@host queries; run the finger program (argv.finger) with the login as one argument (-l when verbose), no shell, stream its stdout and stderr to the client, and close the connection when it ends
  // STARTER: socket.end();
  if (user.includes("@")) {
    socket.end("finger: forwarding service denied (user@host queries are not relayed)\r\n");
    return;
  }
  if (running >= argv["max-children"]) {
    socket.end(`fingerd: busy (${running} queries in progress), try again later\r\n`);
    return;
  }
  running++;
  const args = [...(verbose ? ["-l"] : []), ...(user ? ["--", user] : [])];
  const child = spawn(argv.finger, args, { stdio: ["ignore", "pipe", "pipe"], shell: false });
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  let released = false;
  const release = () => (released ? undefined : ((released = true), running--));
  child.once("close", release);
  child.once("error", release);
  child.stdout.pipe(socket, { end: false });
  child.stderr.pipe(socket, { end: false });
  child.on("error", (error: NodeJS.ErrnoException) => {
    clearTimeout(timer);
    const why = error.code === "ENOENT" ? `the ${argv.finger} program is not installed on this server` : error.message;
    socket.end(`fingerd: cannot answer: ${why}\r\n`);
  });
  child.on("close", () => {
    clearTimeout(timer);
    socket.end();
  });
  // SOLUTION END
}

function serve(socket: net.Socket): void {
  const client = `${socket.remoteAddress}:${socket.remotePort}`;
  let query = "";
  let answered = false;
  socket.setEncoding("utf8");
  socket.setTimeout(10_000, () => socket.destroy());
  socket.on("error", () => {}); // a client that leaves early is not our problem
  const handle = (line: string) => {
    answered = true;
    socket.setTimeout(0);
    const { verbose, user } = parseQuery(line);
    console.log(`request from ${client}: login ${JSON.stringify(user)}${verbose ? " (verbose)" : ""}`);
    logRequest(client, user, verbose);
    answer(socket, verbose, user);
  };
  socket.on("data", (chunk: string) => {
    if (answered) return;
    query += chunk;
    const end = query.indexOf("\n");
    if (end >= 0) handle(query.slice(0, end));
    else if (Buffer.byteLength(query) > MAX_QUERY_BYTES)
      socket.end(`fingerd: query longer than ${MAX_QUERY_BYTES} bytes\r\n`);
  });
  socket.on("end", () => answered || handle(query)); // a query without CRLF, ended by the client
}

let logFd = -1;
try {
  writeOwnFile(argv["pid-file"], `${process.pid}\n`);
} catch (error) {
  die(
    program,
    `cannot write the pid file ${argv["pid-file"]}: ${(error as Error).message}. Choose another with --pid-file`,
  );
}
try {
  logFd = openOwnFile(argv["log-file"], true);
} catch (error) {
  die(program, `cannot write the log ${argv["log-file"]}: ${(error as Error).message}. Choose another with --log-file`);
}
const server = net.createServer(serve);
try {
  const port = await listen(server, argv.port, argv.bind);
  console.log(
    `${program}: listening on TCP ${argv.bind}:${port}, pid ${process.pid} in ${argv["pid-file"]}, log in ${argv["log-file"]}${loopbackNote(argv.bind)}`,
  );
} catch (error) {
  fs.rmSync(argv["pid-file"], { force: true });
  die(program, `cannot listen on TCP ${argv.bind}:${argv.port}: ${socketErrorText(error, argv.bind, argv.port)}`);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    fs.rmSync(argv["pid-file"], { force: true });
    process.exit(0);
  });
}
