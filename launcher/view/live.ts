// `tsrun --live`: a live view of the running job, served on 127.0.0.1 at a random port, behind a random
// token that must be in the URL (another local user cannot watch). The page (live-page.ts) opens a
// WebSocket and receives, a few times a second, each rank's state — running, blocked in which call at
// which source line, in finalize, exited — and its message counts, from the launcher's polls.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes, timingSafeEqual } from "node:crypto";
import { WebSocketServer, type WebSocket } from "ws";
import type { Round } from "../diagnostics/monitor.ts";
import { livePage } from "./live-page.ts";

export interface LiveRank {
  rank: number;
  status: "running" | "blocked" | "finalize" | "exited" | "silent";
  text: string;
  calls: { call: string; comm?: string; site?: string }[];
  sent: number | null;
  received: number | null;
}

export type LiveMessage =
  { t: "state"; time: number; ranks: LiveRank[] } | { t: "end"; code: number; ranks: LiveRank[] };

export class LiveView {
  private readonly token = randomBytes(18).toString("base64url");
  private readonly server: http.Server;
  private readonly sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 }); // the page sends nothing big
  private readonly clients = new Set<WebSocket>();
  private last: LiveRank[] = [];
  private lastMessage: string | null = null;

  constructor(
    private readonly np: number,
    private readonly program: string,
  ) {
    this.server = http.createServer((req, res) => this.serve(req, res));
    this.server.on("upgrade", (req, socket, head) => {
      const url = new URL(req.url ?? "/", "http://localhost");
      if (url.pathname !== "/ws" || !this.tokenOk(url.searchParams.get("token"))) {
        socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
        return;
      }
      this.sockets.handleUpgrade(req, socket, head, (ws) => this.join(ws));
    });
  }

  /** Listens on a free port of 127.0.0.1; returns the URL to open (with the token). */
  start(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", () => {
        this.server.unref();
        const { port } = this.server.address() as AddressInfo;
        resolve(`http://127.0.0.1:${port}/?token=${this.token}`);
      });
    });
  }

  private tokenOk(candidate: string | null): boolean {
    if (!candidate || candidate.length !== this.token.length) return false;
    return timingSafeEqual(Buffer.from(candidate), Buffer.from(this.token));
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== "/" || !this.tokenOk(url.searchParams.get("token"))) {
      res
        .writeHead(403, { "content-type": "text/plain" })
        .end("tsrun live view: this URL needs the token tsrun printed\n");
      return;
    }
    res
      .writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" })
      .end(livePage(this.np, this.program));
  }

  private join(ws: WebSocket): void {
    this.clients.add(ws);
    ws.on("close", () => this.clients.delete(ws));
    ws.on("error", () => this.clients.delete(ws));
    if (this.lastMessage) ws.send(this.lastMessage);
  }

  private send(msg: LiveMessage): void {
    this.lastMessage = JSON.stringify(msg);
    for (const ws of this.clients) ws.send(this.lastMessage);
  }

  /** A new round of states from the monitor. */
  update(round: Round): void {
    this.last = Array.from({ length: this.np }, (_, rank) => liveRank(rank, round));
    this.send({ t: "state", time: round.time, ranks: this.last });
  }

  /** The job ended: tell the pages, then close everything. */
  async end(code: number, exits: Round["exits"]): Promise<void> {
    const ranks = this.last.map((r) =>
      exits.has(r.rank) ? { ...r, status: "exited" as const, text: exitText(exits.get(r.rank)!) } : r,
    );
    this.send({ t: "end", code, ranks });
    const closed = [...this.clients].map(
      (ws) =>
        new Promise<void>((resolve) => {
          const guard = setTimeout(resolve, 1000);
          ws.once("close", () => (clearTimeout(guard), resolve()));
          ws.close(1000, "job ended");
        }),
    );
    await Promise.all(closed);
    for (const ws of this.clients) ws.terminate();
    this.sockets.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function exitText(e: { code: number | null; signal: NodeJS.Signals | null }): string {
  return e.signal ? `killed by ${e.signal}` : `exited with code ${e.code}`;
}

function liveRank(rank: number, round: Round): LiveRank {
  const s = round.states.get(rank);
  const counts = { sent: s?.sent ?? null, received: s?.received ?? null };
  const calls = (s?.blocked ?? []).map((b) => ({ call: b.call, comm: b.comm, site: b.site }));
  const exit = round.exits.get(rank);
  if (exit) return { rank, status: "exited", text: exitText(exit), calls: [], ...counts };
  if (round.inFinalize.has(rank)) return { rank, status: "finalize", text: "in finalize()", calls, ...counts };
  if (!s)
    return { rank, status: "silent", text: "not answering (busy computing, not in an MPI call)", calls: [], ...counts };
  if (!calls.length) return { rank, status: "running", text: "running (not in an MPI call)", calls, ...counts };
  const text = `blocked in ${calls.map((c) => `${c.call}${c.comm && c.comm !== "COMM_WORLD" ? ` on ${c.comm}` : ""}${c.site ? ` at ${c.site}` : ""}`).join(", ")}`;
  return { rank, status: "blocked", text, calls, ...counts };
}
