// The launcher's control server: ranks connect to it at start-up, prove the job secret and publish their
// address; once every rank has, each receives the address table and ranks talk to each other directly.
// The same connections carry finalize (a barrier through the launcher), aborts, uncaught errors, and
// state queries (what each rank is blocked in) for timeouts and diagnostics.
import * as net from "node:net";
import { randomBytes, timingSafeEqual } from "node:crypto";
import { LineSplitter, controlProof, encodeControl, type LauncherToRank, type PeerAddress, type RankToLauncher, type BlockedCall } from "../runtime/wire/bootstrap.ts";

export interface RankState {
  blocked: BlockedCall[];
  sent: number;
  received: number;
}

export interface RendezvousEvents {
  onAbort(rank: number, code: number, message: string, blocked?: BlockedCall[]): void;
  onError(rank: number, message: string, blocked?: BlockedCall[]): void;
  onStranger(why: string): void;
  onFinalize(rank: number): void;
  /** Every message of a rank, before it is handled (the diagnostics read states and finalize reports). */
  onMessage?(rank: number, msg: RankToLauncher): void;
  onFaultTolerant(rank: number): void;
}

export class Rendezvous {
  private server: net.Server;
  private tcpServers: net.Server[] = [];
  private sockets = new Map<number, net.Socket>();
  private addresses: PeerAddress[] = [];
  private finalizing = new Map<number, Record<number, number>>();
  private exited = new Set<number>();
  /** Ranks that have called finalize (they will send nothing more). */
  readonly inFinalize = new Set<number>();
  private queries = new Map<number, (s: RankState) => void>();
  private querySeq = 0;
  private shrinks = new Map<string, { members: number[]; asked: Set<number> }>();
  /** Contexts of shrunk communicators: a range of their own, far above those agreed among ranks. */
  private nextShrinkContext = 1 << 24;
  private allReady!: () => void;
  /** Resolves once every rank has said hello and received the table. */
  readonly ready = new Promise<void>((resolve) => (this.allReady = resolve));

  constructor(
    readonly path: string,
    private readonly size: number,
    private readonly secret: string,
    private readonly events: RendezvousEvents,
  ) {
    this.server = net.createServer((socket) => this.accept(socket));
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.path, () => resolve());
    });
  }

  /** Also accepts ranks over TCP (ranks on other hosts); returns the port. */
  listenTcp(host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const server = net.createServer((socket) => this.accept(socket));
      this.tcpServers.push(server);
      server.once("error", reject);
      server.listen(0, host, () => resolve((server.address() as net.AddressInfo).port));
    });
  }

  private accept(socket: net.Socket): void {
    let rank = -1;
    const nonce = randomBytes(16).toString("hex");
    socket.write(encodeControl({ t: "nonce", nonce }));
    const splitter = new LineSplitter((line) => {
      let msg: RankToLauncher;
      try {
        msg = JSON.parse(line);
      } catch {
        this.events.onStranger("a control connection sent something that is not a tsmpi message");
        return void socket.destroy();
      }
      if (rank < 0) {
        if (msg.t !== "hello" || !this.proofMatches(msg.proof, nonce) || !(msg.rank >= 0 && msg.rank < this.size) || this.sockets.has(msg.rank)) {
          this.events.onStranger("a control connection did not prove the job secret");
          return void socket.destroy();
        }
        rank = msg.rank;
        this.sockets.set(rank, socket);
        this.addresses[rank] = msg.address;
        if (this.sockets.size === this.size) this.sendTable();
        return;
      }
      this.handle(rank, msg);
    });
    socket.setEncoding("utf8").on("data", (d: string) => splitter.push(d));
    socket.on("error", () => {});
  }

  private proofMatches(candidate: unknown, nonce: string): boolean {
    const expected = controlProof(this.secret, nonce);
    if (typeof candidate !== "string" || candidate.length !== expected.length) return false;
    return timingSafeEqual(Buffer.from(candidate), Buffer.from(expected));
  }

  private sendTable(): void {
    const table: LauncherToRank = { t: "table", peers: this.addresses };
    for (const s of this.sockets.values()) s.write(encodeControl(table));
    this.allReady();
  }

  private handle(rank: number, msg: RankToLauncher): void {
    this.events.onMessage?.(rank, msg);
    switch (msg.t) {
      case "finalize":
        this.finalizing.set(rank, msg.sentTo);
        this.inFinalize.add(rank);
        this.events.onFinalize(rank);
        return this.maybeFinishFinalize();
      case "abort":
        return this.events.onAbort(rank, msg.code, msg.message, msg.blocked);
      case "error":
        return this.events.onError(rank, msg.message, msg.blocked);
      case "ft":
        return this.events.onFaultTolerant(rank);
      case "shrink": {
        const pending = this.shrinks.get(msg.key) ?? { members: msg.members, asked: new Set<number>() };
        pending.asked.add(rank);
        this.shrinks.set(msg.key, pending);
        return this.maybeFinishShrinks();
      }
      case "state": {
        const answer = this.queries.get(rank);
        this.queries.delete(rank);
        answer?.({ blocked: msg.blocked, sent: msg.sent, received: msg.received });
        return;
      }
    }
  }

  /** A rank's process ended: it no longer holds up finalize or a shrink. */
  rankExited(rank: number): void {
    this.exited.add(rank);
    this.maybeFinishFinalize();
    this.maybeFinishShrinks();
  }

  /** MPIX_Comm_shrink: once every live member has asked, each gets the survivors and a fresh context id. */
  private maybeFinishShrinks(): void {
    for (const [key, s] of this.shrinks) {
      const alive = s.members.filter((m) => !this.exited.has(m));
      if (!alive.every((m) => s.asked.has(m))) continue;
      this.shrinks.delete(key);
      const context = this.nextShrinkContext;
      this.nextShrinkContext += 2;
      for (const m of alive) this.sockets.get(m)?.write(encodeControl({ t: "shrunk", key, alive, context }));
    }
  }

  private maybeFinishFinalize(): void {
    if (this.finalizing.size === 0 || this.finalizing.size + [...this.exited].filter((r) => !this.finalizing.has(r)).length < this.size) return;
    const expected = new Map<number, number>();
    for (const sentTo of this.finalizing.values()) {
      for (const [dest, n] of Object.entries(sentTo)) expected.set(Number(dest), (expected.get(Number(dest)) ?? 0) + n);
    }
    for (const rank of this.finalizing.keys()) {
      this.sockets.get(rank)?.write(encodeControl({ t: "finalized", expected: expected.get(rank) ?? 0 }));
    }
    this.finalizing.clear();
  }

  /** Asks every live rank what it is doing; ranks that do not answer within `ms` are left out. */
  async queryStates(ms = 1000, detail = false): Promise<Map<number, RankState>> {
    const seq = ++this.querySeq;
    const answers = new Map<number, RankState>();
    const pending: Promise<void>[] = [];
    for (const [rank, socket] of this.sockets) {
      if (this.exited.has(rank) || socket.destroyed) continue;
      pending.push(
        new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, ms);
          this.queries.set(rank, (s) => {
            clearTimeout(timer);
            answers.set(rank, s);
            resolve();
          });
          socket.write(encodeControl({ t: "query", seq, detail }));
        }),
      );
    }
    await Promise.all(pending);
    return answers;
  }

  /** Tells live ranks about another rank's exit (fault-tolerant mode uses this). */
  broadcast(msg: LauncherToRank): void {
    for (const [rank, s] of this.sockets) if (!this.exited.has(rank)) s.write(encodeControl(msg));
  }

  address(rank: number): PeerAddress | undefined {
    return this.addresses[rank];
  }

  close(): void {
    for (const s of this.sockets.values()) s.destroy();
    this.server.close();
    for (const s of this.tcpServers) s.close();
  }
}
