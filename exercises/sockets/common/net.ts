// Socket helpers shared by the socket exercises (lab book part 1): listening with clear errors,
// connecting with retries while a peer is still starting (ring, complete graph, detectors), and
// newline-delimited messages over TCP so that a read never cuts or glues two messages.
import * as net from "node:net";

/** Listens on host:port; resolves with the bound port, rejects with the socket error (EADDRINUSE, EACCES…). */
export function listen(server: net.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

/** Connects once; resolves with the connected socket or rejects with the socket error. */
export function connect(host: string, port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    socket.once("error", reject);
    socket.once("connect", () => {
      socket.off("error", reject);
      resolve(socket);
    });
  });
}

/** Connects, retrying every 100 ms while the peer refuses (it may not listen yet: by hand, processes are
 * started one terminal at a time), for at most `patienceMs`. */
export async function connectWithRetry(host: string, port: number, patienceMs = 120_000): Promise<net.Socket> {
  const deadline = Date.now() + patienceMs;
  for (;;) {
    try {
      return await connect(host, port);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ECONNREFUSED" || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Calls `handler` once per complete line received on `socket` (without its \n or \r\n). */
export function onLines(socket: net.Socket, handler: (line: string) => void): void {
  let pending = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    pending += chunk;
    let newline: number;
    while ((newline = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, newline).replace(/\r$/, "");
      pending = pending.slice(newline + 1);
      handler(line);
    }
  });
}

/** Calls `handler` with each JSON message received on `socket`; a line that is not JSON goes to `onBad`. */
export function onMessages<T>(socket: net.Socket, handler: (message: T) => void, onBad?: (line: string) => void): void {
  onLines(socket, (line) => {
    if (!line.trim()) return;
    let message: T;
    try {
      message = JSON.parse(line) as T;
    } catch {
      onBad?.(line);
      return;
    }
    handler(message);
  });
}

/** Sends one JSON message as one line. */
export function send(socket: net.Socket, message: unknown): void {
  if (!socket.destroyed) socket.write(JSON.stringify(message) + "\n");
}
