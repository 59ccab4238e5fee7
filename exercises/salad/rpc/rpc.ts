// Salad exercise S2: a small RPC layer (seeds 000 and 002 use RPyC) over WebSocket (ws), one msgpack frame
// per binary message. serveRpc serves a service's exposed methods, connectRpc calls them; which methods a
// service exposes (`exposed_<name>`, RPyC's rule) and the frames are rpc-algorithm.ts. Calls on one
// connection may overlap; answers carry the call id. The server answers in the order calls complete. Node
// runs one call at a time between awaits, so a service needs no lock around plain updates.
import type { AddressInfo } from "node:net";
import { WebSocket, WebSocketServer } from "ws";
import { answerFrame, decodeAnswer, requestFrame, RpcError } from "./rpc-algorithm.ts";

export { exposedNames, resolveExposed, RpcError, type RpcErrorCode } from "./rpc-algorithm.ts";

export interface RpcServer {
  port: number;
  /** Closes every connection with this WebSocket close code and reason, then stops listening. */
  close(code?: number, reason?: string): Promise<void>;
}

export interface ServeOptions {
  host?: string;
  port?: number;
  /** Called when a caller asks for a method that is not exposed. */
  onRefused?: (name: string) => void;
}

/** Serves `service`'s exposed methods on ws://host:port (port 0 = any free port). */
export function serveRpc(service: object, options: ServeOptions = {}): Promise<RpcServer> {
  // maxPayload: ws accepts 100 MiB messages by default; calls and results here are small.
  const wss = new WebSocketServer({
    host: options.host ?? "127.0.0.1",
    port: options.port ?? 0,
    maxPayload: 1024 * 1024,
  });
  wss.on("connection", (socket) => {
    socket.on("message", (data: Buffer) => void answer(socket, data));
    socket.on("error", () => socket.terminate());
  });
  async function answer(socket: WebSocket, data: Buffer): Promise<void> {
    const reply = await answerFrame(service, data, options.onRefused);
    if (socket.readyState === WebSocket.OPEN) socket.send(reply);
  }
  return new Promise((resolve, reject) => {
    wss.once("error", reject);
    wss.once("listening", () => {
      const port = (wss.address() as AddressInfo).port;
      resolve({
        port,
        close: (code = 1000, reason = "server closing") =>
          new Promise<void>((done) => {
            for (const client of wss.clients) client.close(code, reason);
            wss.close(() => done());
          }),
      });
    });
  });
}

export interface RpcConnection {
  /** Calls a remote method; rejects with RpcError (NOT_EXPOSED, METHOD_FAILED, CONNECTION_CLOSED…). */
  call(method: string, ...args: unknown[]): Promise<unknown>;
  /** `conn.root.give_task(x)` is `conn.call("give_task", x)`, as RPyC's `conn.root`. */
  root: Record<string, (...args: unknown[]) => Promise<unknown>>;
  /** Resolves when the connection closes, with the server's close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

/** Connects to an RPC server at a ws:// URL. */
export function connectRpc(url: string): Promise<RpcConnection> {
  const socket = new WebSocket(url);
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let closedWith: { code: number; reason: string } | undefined;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on("close", (code, reason) => {
      closedWith = { code, reason: reason.toString() };
      const why = `the connection to ${url} closed (code ${code}${closedWith.reason ? `: ${closedWith.reason}` : ""})`;
      for (const p of pending.values()) p.reject(new RpcError("CONNECTION_CLOSED", why));
      pending.clear();
      resolve(closedWith);
    });
  });
  socket.on("message", (data: Buffer) => {
    const answer = decodeAnswer(data); // null: not an answer of this protocol, ignored
    const p = answer && pending.get(answer.i);
    if (!answer || !p) return;
    pending.delete(answer.i);
    if (answer.e) p.reject(answer.e);
    else p.resolve(answer.r);
  });
  const call = (method: string, ...args: unknown[]): Promise<unknown> => {
    if (closedWith || socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new RpcError("CONNECTION_CLOSED", `the connection to ${url} is closed`));
    }
    const i = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(i, { resolve, reject });
      socket.send(requestFrame(i, method, args));
    });
  };
  const root = new Proxy({} as RpcConnection["root"], {
    get: (_target, prop) =>
      typeof prop === "string" && prop !== "then" ? (...args: unknown[]) => call(prop, ...args) : undefined,
  });
  return new Promise((resolve, reject) => {
    socket.once("open", () => {
      socket.on("error", () => {}); // a later error is followed by "close", which rejects pending calls
      resolve({ call, root, closed, close: () => socket.close() });
    });
    socket.once("error", (err: NodeJS.ErrnoException) => {
      reject(
        new RpcError(
          "CONNECTION_FAILED",
          `cannot connect to ${url}: ${err.code ?? err.message}. Is the server running?`,
        ),
      );
    });
  });
}
