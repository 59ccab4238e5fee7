// Exercise 1.1 (lab book part 1, "Serveur UDP"): a UDP server bound to a port that prints every datagram
// it receives with the sender's address (recvfrom in a loop). A busy or privileged port, or any socket
// error, ends it with one clear line and exit code 1 after closing the socket.
//   npx tsx exercises/sockets/udp-server.ts --port 9875
import * as dgram from "node:dgram";
import { cli, die, portsAreValid, socketErrorText } from "./common/cli.ts";
import { listenHostOption, loopbackNote } from "./common/listen.ts";

const program = "udp-server";
const argv = cli(
  program,
  "$0 --port PORT [--bind ADDRESS]\n\nPrints each UDP datagram received on PORT and where it came from.",
)
  .option("port", { type: "number", default: 9875, describe: "UDP port to listen on (below 1024 needs root)" })
  .option("bind", listenHostOption)
  .check(portsAreValid("port"))
  .parseSync();

const socket = dgram.createSocket("udp4");
let bound = false;

socket.on("error", (error) => {
  socket.close();
  die(
    program,
    bound
      ? `socket error: ${error.message}`
      : `cannot listen on UDP ${argv.bind}:${argv.port}: ${socketErrorText(error, argv.bind, argv.port)}`,
  );
});

// SOLUTION BEGIN: print every datagram received: "received N bytes from ADDRESS:PORT: TEXT"
socket.on("message", (data, from) => {
  console.log(`received ${data.length} bytes from ${from.address}:${from.port}: ${data.toString("utf8")}`);
});
// SOLUTION END

socket.bind(argv.port, argv.bind, () => {
  bound = true;
  const { address, port } = socket.address();
  console.log(`${program}: listening on UDP ${address}:${port} (Ctrl-C to stop)${loopbackNote(address)}`);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    socket.close();
    process.exit(0);
  });
}
