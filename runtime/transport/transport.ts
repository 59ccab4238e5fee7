// Rank-to-rank transport: Unix-domain sockets between ranks on one host, TCP between hosts (or when
// the job asks for TCP). Each rank sends to a peer only over the connection it opened to that peer,
// so frames from one sender arrive in order (MPI's non-overtaking rule rests on this).
// Every connection must prove the per-job secret before any frame is accepted: the accepting side sends
// a random nonce, the connecting side answers with HELLO carrying HMAC-SHA256(secret, nonce ‖ rank).
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { FrameDecoder, FrameKind, HEADER_BYTES, MAX_FRAME_BYTES, encodeFrame, type Frame } from "../wire/frame.ts";
import type { PeerAddress } from "../wire/bootstrap.ts";
import { deliverToSelf, type RankTransport } from "./link.ts";

const NONCE_BYTES = 16;
const HELLO_TIMEOUT_MS = 10_000;
const HELLO_MAX_PAYLOAD = 64; // a stranger cannot make us allocate before proving the secret

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
  /** A connection from `peer` closed (after its last frame was delivered). */
  onPeerClosed?: (peer: number) => void;
  /** A stranger tried to connect and was refused. */
  onStranger: (remote: string, why: string) => void;
}

interface OutgoingLink {
  socket: net.Socket;
  ready: boolean;
  pending: { parts: Buffer[]; onWritten?: () => void }[];
}

export function proofOf(secret: Buffer, nonce: Buffer, rank: number): Buffer {
  const r = Buffer.alloc(4);
  r.writeUInt32LE(rank);
  return createHmac("sha256", secret).update(nonce).update(r).digest();
}

export class Transport implements RankTransport {
  private servers: net.Server[] = [];
  private peers: PeerAddress[] = [];
  private links = new Map<number, OutgoingLink>();
  private incoming = new Set<net.Socket>();
  /** Open connections from each peer (after HELLO), and connections whose HELLO has not come yet. */
  private incomingFrom = new Map<number, number>();
  private awaitingHello = 0;
  private closed = false;

  constructor(private readonly opt: TransportOptions) {}

  /** Starts listening; returns this rank's address for the table. */
  async listen(): Promise<Pick<PeerAddress, "unix" | "tcp">> {
    const address: Pick<PeerAddress, "unix" | "tcp"> = {};
    fs.mkdirSync(this.opt.socketDir, { recursive: true, mode: 0o700 });
    const unixPath = path.join(this.opt.socketDir, `r${this.opt.rank}.sock`);
    address.unix = await this.listenOn((s) => s.listen(unixPath), () => unixPath);
    if (this.opt.kind !== "unix") {
      const port = await this.listenOn(
        (s) => s.listen(0, this.opt.tcpBind),
        (s) => String((s.address() as net.AddressInfo).port),
      );
      address.tcp = { host: this.opt.tcpBind, port: Number(port) };
    }
    return address;
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
  }

  /** Queues a frame (as buffers) to `dest`; `onWritten` runs once the bytes are handed to the kernel. */
  send(dest: number, parts: Buffer[], onWritten?: () => void): void {
    if (this.closed) return;
    if (dest === this.opt.rank) return deliverToSelf(parts, (frame) => this.opt.onFrame(this.opt.rank, frame), onWritten);
    let link = this.links.get(dest);
    if (!link) link = this.connect(dest);
    if (!link.ready) {
      link.pending.push({ parts, onWritten });
      return;
    }
    writeParts(link.socket, parts, onWritten);
  }

  private connect(dest: number): OutgoingLink {
    const peer = this.peers[dest];
    const local = this.opt.kind !== "tcp" && peer.hostId === this.opt.hostId && peer.unix;
    const socket = local ? net.connect(peer.unix!) : net.connect(peer.tcp!.port, peer.tcp!.host);
    if (!local) socket.setNoDelay(true);
    socket.unref();
    const link: OutgoingLink = { socket, ready: false, pending: [] };
    this.links.set(dest, link);
    let nonce = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      nonce = Buffer.concat([nonce, chunk]);
      if (nonce.length < NONCE_BYTES) return;
      socket.off("data", onData);
      const hello = encodeFrame(
        { kind: FrameKind.HELLO, enc: 0, flags: 0, context: 0, tag: 0, id: this.opt.rank, size: 0, sig: 0 },
        proofOf(this.opt.secret, nonce.subarray(0, NONCE_BYTES), this.opt.rank),
      );
      socket.cork();
      for (const b of hello) socket.write(b);
      link.ready = true;
      for (const p of link.pending) writeParts(socket, p.parts, p.onWritten);
      link.pending = [];
      socket.uncork();
    };
    socket.on("data", onData);
    socket.on("error", (err) => {
      if (!this.closed) this.opt.onPeerError(dest, err);
    });
    socket.on("close", () => {
      if (this.links.get(dest) === link) this.links.delete(dest);
    });
    return link;
  }

  private accept(socket: net.Socket): void {
    if (this.closed) return void socket.destroy();
    socket.unref();
    if (socket.remoteAddress) socket.setNoDelay(true);
    this.incoming.add(socket);
    const remote = socket.remoteAddress ? `${socket.remoteAddress}:${socket.remotePort}` : "a local process";
    const nonce = randomBytes(NONCE_BYTES);
    let source = -1;
    this.awaitingHello++;
    const refuse = (why: string) => {
      this.opt.onStranger(remote, why);
      socket.destroy();
    };
    const timer = setTimeout(() => refuse("it sent no HELLO in time"), HELLO_TIMEOUT_MS).unref();
    const decoder = new FrameDecoder((frame) => {
      if (source >= 0) return this.opt.onFrame(source, frame);
      clearTimeout(timer);
      const expected = frame.kind === FrameKind.HELLO && frame.id < (this.opt.size ?? 2 ** 31) ? proofOf(this.opt.secret, nonce, frame.id) : null;
      if (!expected || frame.payload.length !== expected.length || !timingSafeEqual(frame.payload, expected)) {
        throw new Error("it did not prove the job secret");
      }
      source = frame.id;
      this.awaitingHello--;
      this.incomingFrom.set(source, (this.incomingFrom.get(source) ?? 0) + 1);
      decoder.maxPayload = MAX_FRAME_BYTES - HEADER_BYTES;
    }, HELLO_MAX_PAYLOAD);
    socket.on("data", (chunk: Buffer) => {
      try {
        decoder.push(chunk);
      } catch (err) {
        if (source < 0) return refuse((err as Error).message);
        socket.destroy();
        this.opt.onPeerError(source, err as Error);
      }
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      this.incoming.delete(socket);
      if (source >= 0 && !decoder.idle && !this.closed) {
        this.opt.onPeerError(source, new Error(`connection from rank ${source} closed in the middle of a frame`));
      }
      if (source < 0) this.awaitingHello--;
      if (source >= 0) {
        this.incomingFrom.set(source, (this.incomingFrom.get(source) ?? 1) - 1);
        this.opt.onPeerClosed?.(source);
      }
    });
    socket.write(nonce);
  }

  /** True while a connection from `peer` (or one not yet identified) is open: frames it sent may still be arriving. */
  hasIncomingFrom(peer: number): boolean {
    return (this.incomingFrom.get(peer) ?? 0) > 0 || this.awaitingHello > 0;
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
