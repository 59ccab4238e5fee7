// The bootstrap contract between the launcher (tsrun) and a rank: the environment a rank starts with,
// and the control messages exchanged over the rank's control connection to its launcher (JSON lines).
// This is the only runtime file the launcher imports (shared/DESIGN.md, "Architecture").
// A rank proves the job secret without sending it: the launcher opens each control connection with a nonce,
// the rank answers HMAC-SHA256(secret, nonce) (the control channel may cross the network, over TCP).
import { createHmac } from "node:crypto";

/** Environment variables set by the launcher for every rank. */
export const Env = {
  RANK: "TSMPI_RANK",
  SIZE: "TSMPI_SIZE",
  JOB: "TSMPI_JOB",
  CONTROL: "TSMPI_CONTROL", // the launcher's control socket: a Unix path, or tcp:HOST:PORT for remote ranks
  SECRET: "TSMPI_SECRET", // per-job secret (hex); readable only by the job's user (/proc/<pid>/environ is 0400)
  TRANSPORT: "TSMPI_TRANSPORT", // "unix" | "tcp"
  SOCKET_DIR: "TSMPI_SOCKET_DIR", // private (0700) directory for this host's Unix sockets
  TCP_BIND: "TSMPI_TCP_BIND", // address ranks listen on for TCP (default 127.0.0.1)
  HOST_ID: "TSMPI_HOST_ID", // ranks with the same host id talk over Unix sockets
  PROGRAM: "TSMPI_PROGRAM", // the user's program path, for messages
  COLL: "TSMPI_COLL", // forced collective algorithms, e.g. "bcast=binomial,allreduce=ring"
  OPTIONS: "TSMPI_OPTIONS", // JSON of runtime options (checks, trace dir, fault tolerance, …)
} as const;

/** How a peer can be reached. */
export interface PeerAddress {
  rank: number;
  hostId: string;
  hostname: string;
  pid: number;
  unix?: string;
  tcp?: { host: string; port: number };
}

/** An operation a rank is blocked in, for diagnostics (e.g. "recv(source=1, tag=0)"). */
export interface BlockedCall {
  call: string;
  comm?: string;
  waitsFor?: number[]; // world ranks this call can be completed by
  site?: string; // user source location
  since: number; // ms timestamp
  id?: number; // the same pending call keeps its id (deadlock diagnostics compare two polls)
}

/**
 * A rank's collective calls on one communicator since its previous report, run-length encoded: `runs`
 * are [descriptor, count], the first call being number `from` (1-based) on that communicator. The
 * launcher compares ranks' descriptors call by call to find mismatched collectives.
 */
export interface CollectiveLog {
  ctx: number;
  comm: string;
  members?: number[]; // world ranks, sent with the communicator's first report
  from: number;
  runs: [string, number][];
}

/** Diagnostics a rank adds to its state (runtime checks on): exact per-peer frame counts and activity. */
export interface RankDiagnostics {
  sentTo?: number[]; // frames sent to each world rank
  recvFrom?: number[]; // frames received from each world rank
  busy?: string; // why the rank may still progress on its own (timers, sockets, files), if it may
  colls?: CollectiveLog[];
  inFinalize?: boolean;
  unmatched?: UnmatchedMessage[]; // user messages waiting here for a matching receive (detailed answers only)
  sendSites?: [dest: number, ctx: number, tag: number, site: string][]; // first send line per destination and tag (detailed)
}

/** A message that arrived at a rank and matches none of its receives yet (a wrong tag, source or communicator?). */
export interface UnmatchedMessage {
  source: number;
  tag: number;
  ctx: number;
  comm: string;
  size: number;
}

/** Messages a rank sends to its launcher. */
export type RankToLauncher =
  | { t: "hello"; rank: number; proof: string; address: PeerAddress }
  | { t: "ft"; rank: number }
  | { t: "shrink"; rank: number; key: string; members: number[] }
  | { t: "abort"; rank: number; code: number; message: string; blocked?: BlockedCall[] }
  | { t: "error"; rank: number; message: string; blocked?: BlockedCall[] }
  | { t: "finalize"; rank: number; sentTo: Record<number, number>; colls?: CollectiveLog[] }
  | ({ t: "state"; rank: number; seq: number; blocked: BlockedCall[]; sent: number; received: number; idle: boolean } & RankDiagnostics)
  | { t: "report"; rank: number; kind: string; text: string };

/** Messages the launcher sends to a rank. */
export type LauncherToRank =
  | { t: "nonce"; nonce: string }
  | { t: "table"; peers: PeerAddress[] }
  | { t: "shrunk"; key: string; alive: number[]; context: number }
  | { t: "finalized"; expected: number }
  | { t: "query"; seq: number; detail?: boolean }
  | { t: "peer-exit"; rank: number; how: string }
  | { t: "stop"; reason: string };

/** The answer to the launcher's nonce that proves a rank knows the job secret. */
export function controlProof(secretHex: string, nonce: string): string {
  return createHmac("sha256", Buffer.from(secretHex, "hex")).update(nonce).digest("hex");
}

/** Where a rank reaches its launcher: a Unix socket path, or {host, port} for "tcp:HOST:PORT". */
export function parseControlAddress(value: string): { path: string } | { host: string; port: number } {
  const m = /^tcp:(.+):(\d+)$/.exec(value);
  return m ? { host: m[1].replace(/^\[|\]$/g, ""), port: Number(m[2]) } : { path: value };
}

export function encodeControl(msg: RankToLauncher | LauncherToRank): string {
  return JSON.stringify(msg) + "\n";
}

/** Splits a text stream into lines; feeds each whole line to `onLine`. */
export class LineSplitter {
  private rest = "";
  constructor(private readonly onLine: (line: string) => void) {}
  push(chunk: string): void {
    const text = this.rest + chunk;
    let start = 0;
    for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
      this.onLine(text.slice(start, nl));
      start = nl + 1;
    }
    this.rest = text.slice(start);
  }
  /** Emits a last unterminated line, if any. */
  flush(): void {
    if (this.rest) this.onLine(this.rest);
    this.rest = "";
  }
}

/**
 * The shared-memory segment of `--transport shm` (runtime/transport/shm.ts): the launcher's thread host
 * allocates it, the ranks map it. Per rank two Int32 slots (doorbell, sleeping), per ordered pair of ranks
 * four (tail, head, writer waiting, spare), then one byte ring per ordered pair.
 */
export function shmLayout(size: number): { ringBytes: number; ringsAt: number; totalBytes: number } {
  let ringBytes = 1 << 20; // 1 MiB between few ranks, less as size² grows (≤ 256 MiB in all)
  while (ringBytes > 1 << 14 && ringBytes * size * size > 256 << 20) ringBytes >>= 1;
  const ringsAt = Math.ceil(((size * 2 + size * size * 4) * 4) / 64) * 64;
  return { ringBytes, ringsAt, totalBytes: ringsAt + size * size * ringBytes };
}
