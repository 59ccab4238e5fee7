// Salad exercise S7: JSON over node:http for the REST master — read a request body with a size limit, parse
// it, answer JSON. Every bad input becomes an HttpError with a 4xx status and a one-line message; nothing a
// client sends can throw out of a request handler.
import type { IncomingMessage, ServerResponse } from "node:http";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** How much of an oversized body is read and thrown away so the client sees the 413 (beyond: connection cut). */
const DRAIN_LIMIT = 8 * 1024 * 1024;

/** Reads the whole body (at most `limit` bytes) as UTF-8. Oversized → HttpError 413, the rest is drained. */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const tooLarge = () => {
      failed = true;
      reject(new HttpError(413, `request body over ${limit} bytes`));
    };
    if (declared > limit) tooLarge();
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (failed) {
        if (size > DRAIN_LIMIT) req.socket.destroy();
        return;
      }
      if (size > limit) return tooLarge();
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!failed) resolve(Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", (err) => {
      if (!failed) reject(new HttpError(400, `request body could not be read: ${err.message}`));
      failed = true;
    });
  });
}

/** Reads and parses a JSON body; an empty body is `undefined`. Malformed JSON → HttpError 400. */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const text = await readBody(req, limit);
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, `malformed JSON: ${(err as Error).message}`);
  }
}

/** The body as an object, or HttpError 400 saying what was expected. */
export function asObject(body: unknown, what: string): Record<string, unknown> {
  if (body === undefined) return {};
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new HttpError(400, `${what} must be a JSON object`);
  return body as Record<string, unknown>;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, {
    ...(text ? { "content-type": "application/json; charset=utf-8" } : {}),
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Answers an error: 4xx with its message; anything else is a 500 (logged, the server keeps running). */
export function sendError(res: ServerResponse, err: unknown, log: (line: string) => void): void {
  if (err instanceof HttpError) {
    // a body we stopped reading: close the connection after the answer
    sendJson(res, err.status, { error: err.message }, err.status === 413 ? { connection: "close" } : {});
    log(`REJECTED ${err.status} ${err.message}`);
    return;
  }
  log(`ERROR 500 ${(err as Error)?.message ?? String(err)}`);
  sendJson(res, 500, { error: "internal error; the server keeps running" });
}
