// Salad exercise S2's RPC protocol, without sockets (rpc.ts carries it over WebSocket): which methods a
// service exposes and the msgpack frames (msgpackr). As in RPyC, a service exposes a method by naming it
// `exposed_<name>`; a client may call it as `<name>` or `exposed_<name>`. Any other name — a private method,
// a field, `toString`, `constructor` — is refused with RpcError code NOT_EXPOSED ("cannot access 'g': …"),
// never run. Frames (one msgpack value each):
//   request   { i: <call id>, m: <method name>, a: [<arguments>] }
//   answer    { i: <call id>, r: <result> }   or   { i: <call id>, e: { code, message } }
import { pack, unpack } from "msgpackr";

export type RpcErrorCode = "NOT_EXPOSED" | "BAD_REQUEST" | "METHOD_FAILED" | "CONNECTION_FAILED" | "CONNECTION_CLOSED";

export class RpcError extends Error {
  constructor(
    readonly code: RpcErrorCode,
    message: string,
  ) {
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

function decodeRequest(data: Uint8Array): Request {
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

/** The answer frame to one request frame: runs the exposed method it names, or says why not. */
export async function answerFrame(
  service: object,
  data: Uint8Array,
  onRefused?: (name: string) => void,
): Promise<Uint8Array> {
  let id = -1;
  let reply: object;
  try {
    const req = decodeRequest(data);
    id = req.i;
    let fn: (...args: unknown[]) => unknown;
    try {
      fn = resolveExposed(service, req.m);
    } catch (err) {
      onRefused?.(String(req.m));
      throw err;
    }
    reply = { i: id, r: await fn(...req.a) };
  } catch (err) {
    const e = err instanceof RpcError ? err : new RpcError("METHOD_FAILED", (err as Error)?.message ?? String(err));
    reply = { i: id, e: { code: e.code, message: e.message } };
  }
  return pack(reply);
}

/** An answer frame as the caller reads it: its call id and result or error; null if not of this protocol. */
export function decodeAnswer(data: Uint8Array): { i: number; r?: unknown; e?: RpcError } | null {
  let msg: { i: number; r?: unknown; e?: { code: RpcErrorCode; message: string } };
  try {
    msg = unpack(data);
  } catch {
    return null;
  }
  if (!msg || typeof msg !== "object" || typeof msg.i !== "number") return null;
  return msg.e ? { i: msg.i, e: new RpcError(msg.e.code, msg.e.message) } : { i: msg.i, r: msg.r };
}

/** The frame of call `i` of `method` with `args`. */
export function requestFrame(i: number, method: string, args: unknown[]): Uint8Array {
  return pack({ i, m: method, a: args });
}
