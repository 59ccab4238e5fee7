// Salad exercise S2: a small RPC layer (seeds 000 and 002 use RPyC) over WebSocket (ws) with msgpack frames
// (msgpackr). As in RPyC, a service exposes a method by naming it `exposed_<name>`; a client may call it as
// `<name>` or `exposed_<name>`. Any other name — a private method, a field, `toString`, `constructor` — is
// refused with RpcError code NOT_EXPOSED ("cannot access 'g': …"), never run.
//
// Wire protocol (one msgpack value per WebSocket binary message):
//   request   { i: <call id>, m: <method name>, a: [<arguments>] }
//   answer    { i: <call id>, r: <result> }   or   { i: <call id>, e: { code, message } }
// Calls on one connection may overlap; answers carry the call id. The server answers in the order calls
// complete. Node runs one call at a time between awaits, so a service needs no lock around plain updates.
import { WebSocket, WebSocketServer } from "ws";
import { pack, unpack } from "msgpackr";
import type { AddressInfo } from "node:net";

export type RpcErrorCode = "NOT_EXPOSED" | "BAD_REQUEST" | "METHOD_FAILED" | "CONNECTION_FAILED" | "CONNECTION_CLOSED";

export class RpcError extends Error {
  constructor(readonly code: RpcErrorCode, message: string) {
    super(message);
    this.name = "RpcError";
  }
}

const EXPOSED_PREFIX = "exposed_";
const METHOD_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Names (without the prefix) of the methods a service exposes. */
export function exposedNames(service: object): string[] {
  const names = new Set<string>();
  for (let proto: object | null = service; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      if (key.startsWith(EXPOSED_PREFIX) && typeof (service as Record<string, unknown>)[key] === "function") {
        names.add(key.slice(EXPOSED_PREFIX.length));
      }
    }
  }
  return [...names].sort();
}

/** The function a call of `name` may run, or an RpcError NOT_EXPOSED saying why not. */
export function resolveExposed(service: object, name: unknown): (...args: unknown[]) => unknown {
  const shown = typeof name === "string" ? name : String(name);
  const refuse = () =>
    new RpcError(
      "NOT_EXPOSED",
      `cannot access '${shown}': not an exposed method of ${service.constructor?.name ?? "the service"} (exposed: ${exposedNames(service).join(", ") || "none"})`,
    );
  if (typeof name !== "string" || !METHOD_NAME.test(name)) throw refuse();
  const key = name.startsWith(EXPOSED_PREFIX) ? name : EXPOSED_PREFIX + name;
  if (key === EXPOSED_PREFIX || Object.prototype.hasOwnProperty.call(Object.prototype, key)) throw refuse();
  const fn = (service as Record<string, unknown>)[key];
  if (typeof fn !== "function") throw refuse();
  return (fn as (...args: unknown[]) => unknown).bind(service);
}

interface Request {
  i: number;
  m: string;
  a: unknown[];
}

function decodeRequest(data: Buffer): Request {
  let value: unknown;
  try {
    value = unpack(data);
  } catch {
    throw new RpcError("BAD_REQUEST", "the frame is not msgpack");
  }
  const req = value as Partial<Request> | null;
  if (!req || typeof req !== "object" || typeof req.i !== "number" || !Array.isArray(req.a)) {
    throw new RpcError("BAD_REQUEST", "a call is { i: number, m: string, a: array }");
  }
  return req as Request;
}

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
  const wss = new WebSocketServer({ host: options.host ?? "127.0.0.1", port: options.port ?? 0, maxPayload: 1024 * 1024 });
  wss.on("connection", (socket) => {
    socket.on("message", (data: Buffer) => void answer(socket, data));
    socket.on("error", () => socket.terminate());
  });
  async function answer(socket: WebSocket, data: Buffer): Promise<void> {
    let id = -1;
    let reply: object;
    try {
      const req = decodeRequest(data);
      id = req.i;
      const fn = (() => {
        try {
          return resolveExposed(service, req.m);
        } catch (err) {
          options.onRefused?.(String(req.m));
          throw err;
        }
      })();
      reply = { i: id, r: await fn(...req.a) };
    } catch (err) {
      const e = err instanceof RpcError ? err : new RpcError("METHOD_FAILED", (err as Error)?.message ?? String(err));
      reply = { i: id, e: { code: e.code, message: e.message } };
    }
    if (socket.readyState === WebSocket.OPEN) socket.send(pack(reply));
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
    let msg: { i: number; r?: unknown; e?: { code: RpcErrorCode; message: string } };
    try {
      msg = unpack(data);
    } catch {
      return; // not an answer of this protocol: ignored
    }
    const p = pending.get(msg?.i);
    if (!p) return;
    pending.delete(msg.i);
    if (msg.e) p.reject(new RpcError(msg.e.code, msg.e.message));
    else p.resolve(msg.r);
  });
  const call = (method: string, ...args: unknown[]): Promise<unknown> => {
    if (closedWith || socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new RpcError("CONNECTION_CLOSED", `the connection to ${url} is closed`));
    }
    const i = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(i, { resolve, reject });
      socket.send(pack({ i, m: method, a: args }));
    });
  };
  const root = new Proxy({} as RpcConnection["root"], {
    get: (_target, prop) => (typeof prop === "string" && prop !== "then" ? (...args: unknown[]) => call(prop, ...args) : undefined),
  });
  return new Promise((resolve, reject) => {
    socket.once("open", () => {
      socket.on("error", () => {}); // a later error is followed by "close", which rejects pending calls
      resolve({ call, root, closed, close: () => socket.close() });
    });
    socket.once("error", (err: NodeJS.ErrnoException) => {
      reject(new RpcError("CONNECTION_FAILED", `cannot connect to ${url}: ${err.code ?? err.message}. Is the server running?`));
    });
  });
}
