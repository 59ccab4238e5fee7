// Exercise 1.2 (lab book part 1, "Client TCP"): connects to the TCP server, sends this machine's name
// (gethostname), waits for the server's acknowledgement (OK), then closes the connection itself.
//   npx tsx exercises/sockets/tcp-client.ts --host 127.0.0.1 --port 9876 [--pause 30]
// --pause S stays connected S seconds before sending (question 18: look at the connection with netstat/ss).
import * as os from "node:os";
import { cli, die, portsAreValid, socketErrorText } from "./common/cli.ts";
import { connect } from "./common/net.ts";

const program = "tcp-client";
const argv = cli(
  program,
  "$0 --host HOST --port PORT [--message TEXT]\n\nSends TEXT (default: the host name) and prints the server's reply.",
)
  .option("host", { type: "string", default: "127.0.0.1", describe: "server machine" })
  .option("port", { type: "number", default: 9876, describe: "server TCP port" })
  .option("message", { type: "string", alias: "m", describe: "text to send (default: this machine's name)" })
  .option("timeout", { type: "number", default: 10, describe: "seconds to wait for the reply" })
  .option("pause", {
    type: "number",
    default: 0,
    describe: "seconds to stay connected before sending (to look at the connection with netstat)",
  })
  .check(portsAreValid("port"))
  .parseSync();

const socket = await connect(argv.host, argv.port).catch((error) =>
  die(program, socketErrorText(error, argv.host, argv.port)),
);
console.log(`connected from ${socket.localAddress}:${socket.localPort} to ${argv.host}:${argv.port}`);
socket.setEncoding("utf8");
if (argv.pause > 0) {
  console.log(`PAUSED ${argv.pause} s after connecting: try 'ss -tn' or 'netstat -tn' now`);
  await new Promise((resolve) => setTimeout(resolve, argv.pause * 1000));
}
// SOLUTION BEGIN: send the message (default: this machine's name) and a newline, wait for the server's line (at most argv.timeout s), print "server replied: TEXT", then close first
// STARTER: socket.end();
socket.write(`${argv.message ?? os.hostname()}\n`);

const timer = setTimeout(
  () => die(program, `no reply from ${argv.host}:${argv.port} within ${argv.timeout} s`),
  argv.timeout * 1000,
);
let reply = "";
socket.on("data", (chunk: string) => {
  reply += chunk;
  if (!reply.includes("\n")) return;
  clearTimeout(timer);
  console.log(`server replied: ${reply.trim()}`);
  socket.end(); // the client closes first, as the exercise asks
});
socket.on("error", (error) => die(program, socketErrorText(error, argv.host, argv.port)));
socket.on("end", () => {
  if (!reply.includes("\n")) die(program, `the server closed the connection without replying`);
});
// SOLUTION END
