// Exercise 1.1 (lab book part 1, "Client UDP"): sends one string as a UDP datagram to a server (sendto);
// no connection, no acknowledgement: the client cannot know whether anyone received it.
//   npx tsx exercises/sockets/udp-client.ts --host 127.0.0.1 --port 9875 --message "hello"
import * as dgram from "node:dgram";
import * as os from "node:os";
import { cli, die, portsAreValid, socketErrorText } from "./common/cli.ts";

const program = "udp-client";
const argv = cli(
  program,
  "$0 --host HOST --port PORT [--message TEXT]\n\nSends TEXT (default: this machine's name) in one UDP datagram.",
)
  .option("host", { type: "string", default: "127.0.0.1", describe: "server machine" })
  .option("port", { type: "number", default: 9875, describe: "server UDP port" })
  .option("message", { type: "string", alias: "m", describe: "text to send (default: the host name)" })
  .check(portsAreValid("port"))
  .parseSync();

const socket = dgram.createSocket("udp4");
const text = argv.message ?? os.hostname();

socket.on("error", (error) => {
  socket.close();
  die(program, socketErrorText(error, argv.host, argv.port));
});

// SOLUTION BEGIN: send `text` in one datagram to argv.host:argv.port; once sent, print "sent N bytes from local port P to HOST:PORT: TEXT" and close the socket
// STARTER: socket.close();
socket.send(Buffer.from(text, "utf8"), argv.port, argv.host, (error, bytes) => {
  if (error) {
    socket.close();
    die(program, `cannot send to ${argv.host}:${argv.port}: ${socketErrorText(error, argv.host, argv.port)}`);
  }
  const { port } = socket.address();
  console.log(`sent ${bytes} bytes from local port ${port} to ${argv.host}:${argv.port}: ${text}`);
  socket.close();
});
// SOLUTION END
