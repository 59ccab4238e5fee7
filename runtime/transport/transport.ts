// Rank-to-rank transport: Unix-domain sockets between ranks on one host, TCP between hosts (or when
// the job asks for TCP). Each rank sends to a peer only over the connection it opened to that peer,
// so frames from one sender arrive in order (MPI's non-overtaking rule rests on this).
// Every connection is mutually authenticated before any frame flows (handshake.ts): the connecting rank
// proves the per-job secret to the listener, and the listener proves it back, so a process that took a
// rank's address without the secret receives nothing. Under --secure, TCP frames are sealed (seal.ts).
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { FrameDecoder, MAX_PAYLOAD_BYTES, encodeFrame, type Frame } from "../wire/frame.ts";
import { FrameKind } from "../protocol.ts";
import { ErrorCode, MpiError } from "../errors.ts";
import { Env, privateDirProblem, type PeerAddress } from "../wire/bootstrap.ts";
import { NONCE_BYTES, PROOF_BYTES, Prefix, linkKey, linkProof, sameBytes } from "./handshake.ts";
import { Opener, Sealer } from "./seal.ts";
import { StrangerLog } from "./strangers.ts";
import { deliverToSelf, type RankTransport } from "./link.ts";
import { SocketPoller, spinBudget } from "./poller.ts";

const HELLO_TIMEOUT_MS = 10_000;
const HELLO_MAX_PAYLOAD = 64; // a stranger cannot make us allocate before proving the secret
const CONNECT_ATTEMPTS = 6;

export interface TransportOptions {
  rank: number;
  /** Number of ranks in the job (a peer may connect before this rank has the address table). */
  size?: number;
  secret: Buffer;
  hostId: string;
  /** unix: Unix sockets only (one host); tcp: TCP only; mixed: Unix within a host, TCP between hosts. */
  kind: "unix" | "tcp" | "mixed";
  socketDir: string;
  tcpBind: string;
  onFrame: (source: number, frame: Frame) => void;
  /** A connection to or from `peer` failed (peer gone, protocol error). `peer` is -1 when unknown. */
  onPeerError: (peer: number, error: Error) => void;
  /** A stranger tried to connect and was refused (after the first few, a summary: see strangers.ts). */
  onStranger: (remote: string, why: string) => void;
  /** A connection from `peer` closed (after its last frame was delivered). */
  onPeerClosed?: (peer: number) => void;
  /** Seal TCP frames (AES-256-GCM); default: the job's TSMPI_SECURE=1. Unix sockets stay within a host. */
  secure?: boolean;
}

interface OutgoingLink {
  socket: net.Socket;
  ready: boolean;
  sealer: Sealer | null;
  /** The listener failed to prove the secret: never retried. */
  refused: boolean;
  pending: { parts: Buffer[]; onWritten?: () => void }[];
}

export class Transport implements RankTransport {
  private servers: net.Server[] = [];
  private peers: PeerAddress[] = [];
  private links = new Map<number, OutgoingLink>();
  private incoming = new Set<net.Socket>();
  private incomingFrom = new Set<number>();
  /** Connections accepted whose HELLO has not come yet (they may be a peer's). */
  private awaitingHello = 0;
  private closed = false;
  private readonly strangers: StrangerLog;
  private readonly secure: boolean;
  private readonly poller = new SocketPoller();
  /** How long a rank awaiting a receive may spin on poll() before yielding to the event loop (0: never). */
  spinMicros: number;

  constructor(private readonly opt: TransportOptions) {
    this.strangers = new StrangerLog(opt.onStranger);
    this.secure = opt.secure ?? process.env[Env.SECURE] === "1";
    this.spinMicros = spinBudget(opt.size ?? 1); // refined by setPeers, once this host's ranks are known
  }

  /** Starts listening; returns this rank's address for the table. */
  async listen(): Promise<Pick<PeerAddress, "unix" | "tcp">> {
    const address: Pick<PeerAddress, "unix" | "tcp"> = {};
    this.ensurePrivateDir(this.opt.socketDir);
    const unixPath = path.join(this.opt.socketDir, `r${this.opt.rank}.sock`);
    address.unix = await this.listenOn(
      (s) => s.listen(unixPath),
      () => unixPath,
    );
    if (this.opt.kind !== "unix") {
      const port = await this.listenOn(
        (s) => s.listen(0, this.opt.tcpBind),
        (s) => String((s.address() as net.AddressInfo).port),
      );
      address.tcp = { host: this.opt.tcpBind, port: Number(port) };
    }
    return address;
  }

  /** The socket directory: created 0700 if missing; an existing one must be ours, real and private. */
  private ensurePrivateDir(dir: string): void {
    try {
      fs.mkdirSync(dir, { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const problem = privateDirProblem(dir);
    if (problem) {
      throw new Error(
        `rank ${this.opt.rank} refuses its socket directory: ${problem}. Another user may have created it to receive this job's messages; nothing was sent`,
      );
    }
  }

  private listenOn(start: (s: net.Server) => void, describe: (s: net.Server) => string): Promise<string> {
    return new Promise((resolve, reject) => {
      const server = net.createServer((socket) => this.accept(socket));
      server.once("error", reject);
      server.once("listening", () => {
        server.unref();
        this.servers.push(server);
        resolve(describe(server));
      });
      start(server);
    });
  }

  setPeers(peers: PeerAddress[]): void {
    this.peers = peers;
    this.spinMicros = spinBudget(peers.filter((p) => p.hostId === this.opt.hostId).length);
  }

  /**
   * Hands every whole frame that has already arrived to onFrame, without the event loop: non-blocking reads
   * of each authenticated incoming connection (poller.ts says why order is kept). True if any frame came.
   */
  poll(): boolean {
    return this.poller.poll();
  }

  /** Queues a frame (as buffers) to `dest`; `onWritten` runs once the bytes are handed to the kernel. */
  send(dest: number, parts: Buffer[], onWritten?: () => void): void {
    if (this.closed) return;
    if (dest === this.opt.rank)
      return deliverToSelf(parts, (frame) => this.opt.onFrame(this.opt.rank, frame), onWritten);
    let link = this.links.get(dest);
    if (!link) link = this.connect(dest);
    if (!link.ready) {
      link.pending.push({ parts, onWritten });
      return;
    }
    this.write(link, parts, onWritten);
  }

  /** Opens the link to `dest`; one closed before the handshake ends (a listener busy with strangers) is retried. */
  private connect(dest: number, attempt = 0): OutgoingLink {
    const peer = this.peers[dest];
    const local = this.opt.kind !== "tcp" && peer.hostId === this.opt.hostId && peer.unix;
    const socket = local ? net.connect(peer.unix!) : net.connect(peer.tcp!.port, peer.tcp!.host);
    const where = local ? peer.unix! : `${peer.tcp!.host}:${peer.tcp!.port}`;
    if (!local) socket.setNoDelay(true);
    socket.unref();
    const link: OutgoingLink = { socket, ready: false, sealer: null, refused: false, pending: [] };
    this.links.set(dest, link);
    const myNonce = randomBytes(NONCE_BYTES);
    socket.write(myNonce);
    const prefix = new Prefix();
    let theirNonce: Buffer | null = null;
    const onData = (chunk: Buffer) => {
      if (!theirNonce) {
        const got = prefix.take(chunk, NONCE_BYTES);
        if (!got) return;
        theirNonce = got[0];
        const proof = linkProof(this.opt.secret, "c2a", theirNonce, myNonce, this.opt.rank, dest);
        for (const b of encodeFrame(
          { kind: FrameKind.HELLO, enc: 0, flags: 0, context: 0, tag: 0, id: this.opt.rank, size: 0, sig: 0 },
          proof,
        ))
          socket.write(b);
        chunk = got[1];
      }
      const got = prefix.take(chunk, PROOF_BYTES);
      if (!got) return;
      socket.off("data", onData);
      const expected = linkProof(this.opt.secret, "a2c", theirNonce, myNonce, this.opt.rank, dest);
      if (!sameBytes(expected, got[0]) || got[1].length > 0) {
        link.refused = true;
        socket.destroy();
        const why = `the process listening at ${where} for rank ${dest} did not prove the job secret (someone else may have taken that address); nothing was sent to it`;
        return void this.opt.onPeerError(dest, new MpiError(ErrorCode.ERR_PROTOCOL, why));
      }
      if (this.secure && !local)
        link.sealer = new Sealer(linkKey(this.opt.secret, theirNonce, myNonce, this.opt.rank, dest));
      socket.on("data", () => socket.destroy()); // the listener sends nothing after its proof
      socket.cork();
      link.ready = true;
      for (const p of link.pending) this.write(link, p.parts, p.onWritten);
      link.pending = [];
      socket.uncork();
    };
    socket.on("data", onData);
    socket.on("error", (err) => {
      if (!this.closed) this.opt.onPeerError(dest, err);
    });
    socket.on("close", () => {
      if (this.links.get(dest) !== link) return;
      if (!link.ready && !link.refused && !this.closed && attempt < CONNECT_ATTEMPTS) {
        // Frames sent meanwhile queue on this link (order kept) and move to the next one.
        setTimeout(
          () => {
            if (!this.closed) this.connect(dest, attempt + 1).pending = link.pending;
          },
          20 * 2 ** attempt,
        );
        return;
      }
      this.links.delete(dest);
    });
    return link;
  }

  private write(link: OutgoingLink, parts: Buffer[], onWritten?: () => void): void {
    writeParts(link.socket, link.sealer ? link.sealer.seal(parts) : parts, onWritten);
  }

  private accept(socket: net.Socket): void {
    if (this.closed) return void socket.destroy();
    const remote = socket.remoteAddress ? `${socket.remoteAddress}:${socket.remotePort}` : "a local process";
    this.strangers.admit(socket, remote);
    socket.unref();
    if (socket.remoteAddress) socket.setNoDelay(true);
    this.incoming.add(socket);
    const myNonce = randomBytes(NONCE_BYTES);
    const prefix = new Prefix();
    let theirNonce: Buffer | null = null;
    let source = -1;
    let opener: Opener | null = null;
    let unsettled = true;
    this.awaitingHello++;
    const settle = () => {
      if (unsettled) {
        this.strangers.settled(socket);
        this.awaitingHello--;
      }
      unsettled = false;
    };
    const refuse = (why: string) => {
      settle();
      this.strangers.refused(remote, why);
      socket.destroy();
    };
    const timer = setTimeout(() => refuse("it sent no HELLO in time"), HELLO_TIMEOUT_MS).unref();
    const decoder = new FrameDecoder((frame) => {
      if (source >= 0) return this.opt.onFrame(source, frame);
      clearTimeout(timer);
      source = this.authenticate(frame, myNonce, theirNonce!);
      settle();
      this.incomingFrom.add(source);
      socket.write(linkProof(this.opt.secret, "a2c", myNonce, theirNonce!, source, this.opt.rank));
      decoder.maxPayload = MAX_PAYLOAD_BYTES;
      if (this.secure && socket.remoteAddress) {
        opener = new Opener(linkKey(this.opt.secret, myNonce, theirNonce!, source, this.opt.rank), (plain) =>
          decoder.push(plain),
        );
      }
      this.poller.add(socket, ingest);
    }, HELLO_MAX_PAYLOAD);
    const ingest = (chunk: Buffer) => {
      try {
        if (!theirNonce) {
          const got = prefix.take(chunk, NONCE_BYTES);
          if (!got) return;
          theirNonce = got[0];
          chunk = got[1];
        }
        if (opener) opener.push(chunk);
        else decoder.push(chunk);
      } catch (err) {
        if (source < 0) return refuse((err as Error).message);
        socket.destroy();
        this.opt.onPeerError(source, err as Error);
      }
    };
    socket.on("data", (chunk: Buffer) => this.poller.feed(ingest, chunk));
    socket.on("error", () => {});
    socket.on("close", () => {
      this.poller.remove(socket);
      clearTimeout(timer);
      settle();
      this.incoming.delete(socket);
      if (source >= 0) this.incomingFrom.delete(source);
      const partial = !decoder.idle || (opener !== null && !(opener as Opener).idle);
      if (source >= 0 && partial && !this.closed) {
        this.opt.onPeerError(source, new Error(`connection from rank ${source} closed in the middle of a frame`));
      }
      if (source >= 0) this.opt.onPeerClosed?.(source);
    });
    socket.write(myNonce);
  }

  /** The rank a HELLO proves to be (throws when it proves nothing, or that rank is already connected). */
  private authenticate(frame: Frame, myNonce: Buffer, theirNonce: Buffer): number {
    const claimed = frame.id;
    const valid = frame.kind === FrameKind.HELLO && claimed < (this.opt.size ?? 2 ** 31);
    const expected = valid ? linkProof(this.opt.secret, "c2a", myNonce, theirNonce, claimed, this.opt.rank) : null;
    if (!expected || !sameBytes(expected, frame.payload)) throw new Error("it did not prove the job secret");
    if (this.incomingFrom.has(claimed))
      throw new Error(`rank ${claimed} is already connected (one connection per peer)`);
    return claimed;
  }

  /** True while a connection from `peer` (or one not yet identified) is open: frames it sent may still be arriving. */
  hasIncomingFrom(peer: number): boolean {
    return this.incomingFrom.has(peer) || this.awaitingHello > 0;
  }

  /** Bytes queued in user space towards `dest` (for flow diagnostics). */
  queuedBytes(dest: number): number {
    return this.links.get(dest)?.socket.writableLength ?? 0;
  }

  /** Closes every connection once queued bytes are flushed. */
  async close(): Promise<void> {
    this.closed = true;
    const flushes = [...this.links.values()].map(
      (l) => new Promise<void>((resolve) => (l.ready ? l.socket.end(resolve) : (l.socket.destroy(), resolve()))),
    );
    await Promise.all(flushes);
    this.strangers.summarise();
    for (const s of this.incoming) s.destroy();
    for (const s of this.servers) s.close();
  }
}

function writeParts(socket: net.Socket, parts: Buffer[], onWritten?: () => void): void {
  if (parts.length === 1) {
    socket.write(parts[0], onWritten);
    return;
  }
  socket.cork();
  for (let i = 0; i < parts.length - 1; i++) socket.write(parts[i]);
  socket.write(parts[parts.length - 1], onWritten);
  socket.uncork();
}
