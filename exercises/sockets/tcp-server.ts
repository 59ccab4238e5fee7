// Exercise 1.2 (lab book part 1, "Serveur TCP"): a TCP server that accepts many clients at once, prints
// each client's address and what it sends, acknowledges each message with OK, and notices when the
// client closes its side (recv returns 0 bytes → 'end') to close its own. A client that vanishes
// (connection reset) is reported, never fatal. Busy or privileged port → one clear line, exit code 1.
//   npx tsx exercises/sockets/tcp-server.ts --port 9876
import * as net from "node:net";
import { cli, die, portsAreValid, socketErrorText } from "./common/cli.ts";
import { listenHostOption, loopbackNote } from "./common/listen.ts";
import { listen } from "./common/net.ts";

const program = "tcp-server";
const argv = cli(program, "$0 --port PORT [--bind ADDRESS]\n\nAcknowledges every message of every client with OK.")
  .option("port", { type: "number", default: 9876, describe: "TCP port to listen on (below 1024 needs root)" })
  .option("bind", listenHostOption)
  .check(portsAreValid("port"))
  .parseSync();

let connected = 0;

function serveClient(socket: net.Socket): void {
  // SOLUTION BEGIN: serve one client: print when it connects, print each message ("client ADDRESS:PORT says: TEXT") and answer OK, close when it closes, print when it is gone (the connected count)
  // STARTER: socket.end();
  const who = `${socket.remoteAddress}:${socket.remotePort}`;
  connected++;
  console.log(`client ${who} connected (${connected} connected)`);
  socket.setEncoding("utf8");
  socket.on("data", (text: string) => {
    console.log(`client ${who} says: ${text.trim()}`);
    socket.write("OK\n");
  });
  socket.on("end", () => {
    console.log(`client ${who} closed the connection; closing ours`);
    socket.end();
  });
  socket.on("error", (error) =>
    console.log(`client ${who} lost: ${(error as NodeJS.ErrnoException).code ?? error.message}`),
  );
  socket.on("close", () => {
    connected--;
    console.log(`client ${who} disconnected (${connected} connected)`);
  });
  // SOLUTION END
}

const server = net.createServer(serveClient);
try {
  const port = await listen(server, argv.port, argv.bind);
  console.log(`${program}: listening on TCP ${argv.bind}:${port} (Ctrl-C to stop)${loopbackNote(argv.bind)}`);
} catch (error) {
  die(program, `cannot listen on TCP ${argv.bind}:${argv.port}: ${socketErrorText(error, argv.bind, argv.port)}`);
}
server.on("error", (error) => console.log(`${program}: server error: ${error.message}`));

for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(0));
