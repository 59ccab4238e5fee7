// The bootstrap contract between the launcher (tsrun) and a rank: the environment a rank starts with,
// and the control messages exchanged over the rank's control connection to its launcher (JSON lines).
// This is the only runtime file the launcher imports (docs/architecture.md).
// A rank proves the job secret without sending it: the launcher opens each control connection with a nonce,
// the rank answers HMAC-SHA256(secret, nonce) (the control channel may cross the network, over TCP).
import { createHmac } from "node:crypto";
import * as fs from "node:fs";

/** Environment variables set by the launcher for every rank. */
export const Env = {
  RANK: "TSMPI_RANK",
  SIZE: "TSMPI_SIZE",
  JOB: "TSMPI_JOB",
  CONTROL: "TSMPI_CONTROL", // the launcher's control socket: a Unix path, or tcp:HOST:PORT for remote ranks
  SECRET: "TSMPI_SECRET", // per-job secret (hex), only where no descriptor can carry it (a Slurm step's PMI)
  SECRET_FD: "TSMPI_SECRET_FD", // a descriptor the rank reads the per-job secret from, then closes
  TRANSPORT: "TSMPI_TRANSPORT", // "unix" | "tcp"
  SOCKET_DIR: "TSMPI_SOCKET_DIR", // private (0700) directory for this host's Unix sockets
  TCP_BIND: "TSMPI_TCP_BIND", // address ranks listen on for TCP (default 127.0.0.1)
  HOST_ID: "TSMPI_HOST_ID", // ranks with the same host id talk over Unix sockets
  PROGRAM: "TSMPI_PROGRAM", // the user's program path, for messages
  COLL: "TSMPI_COLL", // forced collective algorithms, e.g. "bcast=binomial,allreduce=ring"
  SECURE: "TSMPI_SECURE", // "1": TCP frames between ranks are sealed with AES-256-GCM (tsrun --secure)
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
  collSites?: [ctx: number, desc: string, seq: number, site: string][]; // first line of each collective call per communicator (detailed)
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
  | ({
      t: "state";
      rank: number;
      seq: number;
      blocked: BlockedCall[];
      sent: number;
      received: number;
      idle: boolean;
    } & RankDiagnostics)
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

/** Splits a text stream into lines; feeds each whole line to `onLine`. A line longer than `maxLine` throws. */
export class LineSplitter {
  private rest = "";
  constructor(
    private readonly onLine: (line: string) => void,
    public maxLine = Infinity,
  ) {}
  push(chunk: string): void {
    if (this.rest.length + chunk.length > this.maxLine && !chunk.includes("\n")) {
      this.rest = "";
      throw new Error(`a control line longer than ${this.maxLine} bytes`);
    }
    const text = this.rest + chunk;
    let start = 0;
    for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
      this.onLine(text.slice(start, nl));
      start = nl + 1;
    }
    this.rest = text.slice(start);
    if (this.rest.length > this.maxLine) {
      this.rest = "";
      throw new Error(`a control line longer than ${this.maxLine} bytes`);
    }
  }
  /** Emits a last unterminated line, if any. */
  flush(): void {
    if (this.rest) this.onLine(this.rest);
    this.rest = "";
  }
}

/** Slots of the shared barrier table: one per communicator that ran a barrier, the first that many. */
export const BARRIER_SLOTS = 256;

/**
 * Int32 slots of the segment's index per rank (its doorbell and sleeping flag) and per ordered pair of ranks
 * (a ring's tail, then its head and writer-waiting flag a cache line further): 64-byte cache lines, so that
 * a word one thread writes never shares a line with a word another thread polls (false sharing made every
 * store wait for the line to come back from the polling core).
 */
export const SHM_SLOTS_PER_RANK = 16;
export const SHM_SLOTS_PER_RING = 32;

/**
 * The shared-memory segment of `--transport shm` (runtime/transport/shm.ts): the launcher's thread host
 * allocates it, the ranks map it. The index (SHM_SLOTS_PER_RANK per rank, SHM_SLOTS_PER_RING per ordered
 * pair of ranks), then one byte ring per ordered pair, then one slab per rank
 * (the shared-memory collectives, runtime/collectives/shared.ts: a rank writes only its own slab), then
 * the barrier table (runtime/collectives/shared-barrier.ts: BARRIER_SLOTS slots of a 64-bit key, an arrival
 * count and a generation).
 */
export function shmLayout(size: number): {
  ringBytes: number;
  ringsAt: number;
  slabBytes: number;
  slabsAt: number;
  barriersAt: number;
  totalBytes: number;
} {
  let ringBytes = 1 << 20; // 1 MiB between few ranks, less as size² grows (≤ 256 MiB in all)
  while (ringBytes > 1 << 14 && ringBytes * size * size > 256 << 20) ringBytes >>= 1;
  let slabBytes = 16 << 20; // 16 MiB for few ranks, less as size grows (≤ 64 MiB in all, ≥ 1 MiB each)
  while (slabBytes > 1 << 20 && slabBytes * size > 64 << 20) slabBytes >>= 1;
  const forced = Number(process.env.TSMPI_SHM_SLAB_BYTES); // tests: small slabs make large data go in chunks
  if (forced >= 1024) slabBytes = Math.ceil(forced / 64) * 64;
  const ringsAt = (size * SHM_SLOTS_PER_RANK + size * size * SHM_SLOTS_PER_RING) * 4;
  const slabsAt = ringsAt + size * size * ringBytes;
  const barriersAt = slabsAt + size * slabBytes;
  return { ringBytes, ringsAt, slabBytes, slabsAt, barriersAt, totalBytes: barriersAt + BARRIER_SLOTS * 16 };
}

/**
 * Why `dir` may not hold this user's private files (sockets, bundles), or null when it may: it must be a
 * real directory (not a symlink), owned by this user, with no access for anyone else (mode 0700). A path
 * in a shared place such as /tmp that someone else created first is refused, never reused.
 */
export function privateDirProblem(dir: string): string | null {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(dir);
  } catch (err) {
    return `${dir} cannot be examined (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  if (st.isSymbolicLink()) return `${dir} is a symbolic link, not a directory of your own`;
  if (!st.isDirectory()) return `${dir} is not a directory`;
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) return `${dir} belongs to uid ${st.uid}, not to you (uid ${uid})`;
  if ((st.mode & 0o077) !== 0)
    return `${dir} has mode ${(st.mode & 0o777).toString(8)}: others may use it (expected 700)`;
  return null;
}

/**
 * The per-job secret (hex), read once: from the descriptor TSMPI_SECRET_FD names (a pipe the launcher
 * fills and closes, so the secret never sits in /proc/<pid>/environ), else from TSMPI_SECRET. Both
 * variables are removed so that programs the rank starts do not inherit them.
 */
export function takeJobSecret(env: NodeJS.ProcessEnv = process.env): string {
  const fdText = env[Env.SECRET_FD];
  let secret = env[Env.SECRET] ?? "";
  delete env[Env.SECRET_FD];
  delete env[Env.SECRET];
  if (fdText !== undefined && /^\d+$/.test(fdText)) {
    const fd = Number(fdText);
    try {
      secret = readAll(fd).trim();
    } finally {
      try {
        fs.closeSync(fd);
      } catch {
        /* already closed */
      }
    }
  }
  return secret;
}

/** Reads a descriptor to its end, waiting (briefly) when it is non-blocking and not yet filled. */
function readAll(fd: number): string {
  const chunks: Buffer[] = [];
  const chunk = Buffer.alloc(256);
  const deadline = Date.now() + 10_000;
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(fd, chunk, 0, chunk.length, null);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EAGAIN" || Date.now() > deadline) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
      continue;
    }
    if (n === 0) return Buffer.concat(chunks).toString("utf8");
    chunks.push(Buffer.from(chunk.subarray(0, n)));
  }
}

/** Longest control line before a connection has proved the secret (a hello is a few hundred bytes). */
export const MAX_HELLO_LINE = 4096;
/** Longest control line from a proven rank (states with diagnostics can be long, never this long). */
export const MAX_CONTROL_LINE = 64 * 1024 * 1024;

const isInt = (v: unknown): v is number => Number.isInteger(v);
const isText = (v: unknown): v is string => typeof v === "string";
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function isAddress(v: unknown): boolean {
  if (!isRecord(v) || !isInt(v.rank) || !isText(v.hostId) || !isText(v.hostname) || !isInt(v.pid)) return false;
  if (v.unix !== undefined && !isText(v.unix)) return false;
  return v.tcp === undefined || (isRecord(v.tcp) && isText(v.tcp.host) && isInt(v.tcp.port));
}

const SHAPES: Record<RankToLauncher["t"], (m: Record<string, unknown>) => boolean> = {
  hello: (m) => isText(m.proof) && isAddress(m.address),
  ft: () => true,
  shrink: (m) => isText(m.key) && Array.isArray(m.members) && m.members.every(isInt),
  abort: (m) => typeof m.code === "number" && isText(m.message),
  error: (m) => isText(m.message),
  finalize: (m) => isRecord(m.sentTo) && Object.values(m.sentTo).every(isInt),
  state: (m) => Array.isArray(m.blocked) && typeof m.sent === "number" && typeof m.received === "number",
  report: (m) => isText(m.kind) && isText(m.text),
};

/** A control line from a rank as a message, or why it is not one (anything may arrive on the socket). */
export function parseRankMessage(line: string): RankToLauncher | string {
  let msg: unknown;
  try {
    msg = JSON.parse(line);
  } catch {
    return "it sent something that is not JSON";
  }
  if (!isRecord(msg) || !isText(msg.t) || !Object.hasOwn(SHAPES, msg.t))
    return "it sent something that is not a tsmpi control message";
  if (!isInt(msg.rank) || !SHAPES[msg.t as RankToLauncher["t"]](msg))
    return `its "${msg.t}" message does not have the expected fields`;
  return msg as RankToLauncher;
}
