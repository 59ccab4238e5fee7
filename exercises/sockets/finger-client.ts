// Exercise 2 (lab book part 1, "client finger"): asks a finger server about a login (RFC 1288: one
// query line ending in CRLF) and prints the whole reply: it keeps reading until the server closes the
// connection, because a reply of any length arrives in as many chunks as the network likes.
//   npx tsx exercises/sockets/finger-client.ts --login root --host 127.0.0.1 [--port 7979]
import { cli, die, portsAreValid, socketErrorText } from "./common/cli.ts";
import { connect } from "./common/net.ts";

const program = "finger-client";
const argv = cli(
  program,
  "$0 --login LOGIN --host HOST [--port 7979] [--long]\n\nPrints what the finger server at HOST says about LOGIN.",
)
  .option("login", { type: "string", default: "", describe: "login to ask about (empty: who is logged in)" })
  .option("host", { type: "string", demandOption: true, describe: "machine running the finger server" })
  .option("port", { type: "number", default: 7979, describe: "server port (79 for a standard fingerd)" })
  .option("long", { type: "boolean", alias: "l", default: false, describe: "ask for the verbose reply (RFC 1288 /W)" })
  .option("timeout", { type: "number", default: 15, describe: "seconds to wait for the whole reply" })
  .check(portsAreValid("port"))
  .check((a) => (/[\r\n]/.test(a.login) ? "--login cannot contain a line break" : true))
  .parseSync();

const socket = await connect(argv.host, argv.port).catch((error) =>
  die(program, socketErrorText(error, argv.host, argv.port)),
);
// SOLUTION BEGIN: send the RFC 1288 query ("/W " when --long, then the login, then CRLF) and print the whole reply once the server closes the connection (at most argv.timeout s)
// STARTER: socket.end();
socket.write(`${argv.long ? "/W " : ""}${argv.login}\r\n`);

const timer = setTimeout(
  () => die(program, `the reply from ${argv.host}:${argv.port} did not end within ${argv.timeout} s`),
  argv.timeout * 1000,
);
const chunks: Buffer[] = [];
socket.on("data", (chunk: Buffer) => chunks.push(chunk));
socket.on("error", (error) => die(program, socketErrorText(error, argv.host, argv.port)));
socket.on("end", () => {
  clearTimeout(timer);
  const reply = Buffer.concat(chunks).toString("utf8").replace(/\r\n/g, "\n");
  process.stdout.write(reply.endsWith("\n") || reply === "" ? reply : reply + "\n");
});
// SOLUTION END
