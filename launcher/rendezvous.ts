// The launcher's control server: ranks connect to it at start-up, prove the job secret and publish their
// address; once every rank has, each receives the address table and ranks talk to each other directly.
// The same connections carry finalize (a barrier through the launcher), aborts, uncaught errors, and
// state queries (what each rank is blocked in) for timeouts and diagnostics.
import * as net from "node:net";
import { randomBytes, timingSafeEqual } from "node:crypto";
import {
  LineSplitter,
  MAX_CONTROL_LINE,
  MAX_HELLO_LINE,
  controlProof,
  encodeControl,
  parseRankMessage,
  type LauncherToRank,
  type PeerAddress,
  type RankToLauncher,
  type BlockedCall,
} from "../runtime/wire/bootstrap.ts";
import { ContextIds, SHRUNK_CONTEXTS } from "../runtime/protocol.ts";

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

const HELLO_TIMEOUT_MS = 10_000;
const MAX_UNPROVEN = 64;
const DETAILED_REFUSALS = 3;
const SUMMARY_MS = 5_000;

export class Rendezvous {
  private server: net.Server;
  private unproven = 0;
  private refusals = { told: 0, untold: 0, timer: null as NodeJS.Timeout | null };
  private tcpServers: net.Server[] = [];
  private sockets = new Map<number, net.Socket>();
  private addresses: PeerAddress[] = [];
  private finalizing = new Map<number, Record<number, number>>();
  private exited = new Set<number>();
  private finalizeHeld = false;
  /** Ranks that have called finalize (they will send nothing more). */
  readonly inFinalize = new Set<number>();
  private queries = new Map<number, (s: RankState) => void>();
  private querySeq = 0;
  private shrinks = new Map<string, { members: number[]; asked: Set<number> }>();
  /** Contexts of shrunk communicators: a range of their own, far above those agreed among ranks. */
  /** Context ids of shrunk communicators: the launcher sees every rank, so it alone hands them out. */
  private shrinkContexts = new ContextIds(SHRUNK_CONTEXTS);
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

  /**
   * A control connection: it must prove the secret within HELLO_TIMEOUT_MS, in one line of at most
   * MAX_HELLO_LINE bytes; at most MAX_UNPROVEN connections may be unproven at once. Anything malformed
   * closes that connection only: tsrun and the job carry on.
   */
  private accept(socket: net.Socket): void {
    if (this.unproven >= MAX_UNPROVEN) {
      this.refused("too many control connections have not proved the job secret yet");
      return void socket.destroy();
    }
    this.unproven++;
    let rank = -1;
    let settled = false;
    const settle = () => {
      if (!settled) this.unproven--;
      settled = true;
    };
    const refuse = (why: string) => {
      settle();
      if (rank < 0) this.refused(why);
      else this.events.onStranger(`rank ${rank} sent a malformed control message: ${why}`);
      socket.destroy();
    };
    const timer = setTimeout(() => refuse("it did not prove the job secret in time"), HELLO_TIMEOUT_MS).unref();
    const nonce = randomBytes(16).toString("hex");
    socket.write(encodeControl({ t: "nonce", nonce }));
    const splitter = new LineSplitter((line) => {
      if (socket.destroyed) return;
      const msg = parseRankMessage(line);
      if (typeof msg === "string") return refuse(msg);
      if (rank >= 0) return this.handle(rank, msg);
      if (
        msg.t !== "hello" ||
        !this.proofMatches(msg.proof, nonce) ||
        !(msg.rank >= 0 && msg.rank < this.size) ||
        this.sockets.has(msg.rank)
      ) {
        return refuse("a control connection did not prove the job secret");
      }
      clearTimeout(timer);
      settle();
      rank = msg.rank;
      splitter.maxLine = MAX_CONTROL_LINE;
      this.sockets.set(rank, socket);
      this.addresses[rank] = msg.address;
      if (this.sockets.size === this.size) this.sendTable();
    }, MAX_HELLO_LINE);
    socket.setEncoding("utf8").on("data", (d: string) => {
      try {
        splitter.push(d);
      } catch (err) {
        refuse((err as Error).message);
      }
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      settle();
    });
  }

  /** One line for the first few refusals, then one summary line per SUMMARY_MS (a flood stays readable). */
  private refused(why: string): void {
    if (this.refusals.told < DETAILED_REFUSALS) {
      this.refusals.told++;
      return this.events.onStranger(why);
    }
    this.refusals.untold++;
    this.refusals.timer ??= setTimeout(() => this.summariseRefusals(), SUMMARY_MS).unref();
  }

  private summariseRefusals(): void {
    if (this.refusals.timer) clearTimeout(this.refusals.timer);
    this.refusals.timer = null;
    const n = this.refusals.untold;
    if (n)
      this.events.onStranger(
        `${n} more control connection${n > 1 ? "s were" : " was"} refused (not proving the job secret)`,
      );
    this.refusals.untold = 0;
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
      const context = this.shrinkContexts.offer();
      for (const m of alive) this.sockets.get(m)?.write(encodeControl({ t: "shrunk", key, alive, context }));
    }
  }

  /** Finalize will not complete (the diagnostics are reporting a mismatch, which ends the job). */
  holdFinalize(): void {
    this.finalizeHeld = true;
  }

  private maybeFinishFinalize(): void {
    if (
      this.finalizeHeld ||
      this.finalizing.size === 0 ||
      this.finalizing.size + [...this.exited].filter((r) => !this.finalizing.has(r)).length < this.size
    )
      return;
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
    this.summariseRefusals();
    for (const s of this.sockets.values()) s.destroy();
    this.server.close();
    for (const s of this.tcpServers) s.close();
  }
}
