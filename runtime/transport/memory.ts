// An in-memory transport: N ranks in one thread (one engine each) exchange frames through queues, for fast
// unit tests of the engine and the collectives without processes or sockets. It behaves as a socket does
// where the engine can tell: a frame's bytes are copied when sent (the sender may reuse its buffers once
// onWritten runs), arrive on a later turn of the event loop (never inside send), in the order sent per
// (sender, receiver) pair, through the same frame decoder; optionally cut in pieces, as a stream may
// deliver them. Delivery order is deterministic: one FIFO of pending deliveries for the whole network.
import { FrameDecoder, type Frame } from "../wire/frame.ts";
import type { PeerAddress } from "../wire/bootstrap.ts";
import { deliverToSelf, type RankTransport } from "./link.ts";

export interface MemoryNetworkOptions {
  /** Deliver each frame's bytes in pieces of at most this many bytes (exercises the decoder's reassembly). */
  chunkBytes?: number;
}

export interface MemoryEndpointHandlers {
  onFrame: (source: number, frame: Frame) => void;
  /** A frame from `peer` could not be decoded (ERR_PROTOCOL); without a handler the error is thrown. */
  onPeerError?: (peer: number, error: Error) => void;
}

/** The ranks of one in-process job and the frames in flight between them. */
export class MemoryNetwork {
  readonly endpoints: MemoryTransport[] = [];
  /** Frames sent to another rank and not yet delivered, oldest first. */
  private readonly inFlight: { source: number; dest: number; bytes: Buffer }[] = [];
  private scheduled = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    readonly size: number,
    private readonly options: MemoryNetworkOptions = {},
  ) {}

  /** Rank `rank`'s end of the network; its frames go to `handlers.onFrame`. */
  attach(rank: number, handlers: MemoryEndpointHandlers): MemoryTransport {
    if (!Number.isInteger(rank) || rank < 0 || rank >= this.size)
      throw new RangeError(`rank ${rank} is outside 0..${this.size - 1}`);
    if (this.endpoints[rank]) throw new Error(`rank ${rank} is already attached`);
    const endpoint = new MemoryTransport(this, rank, handlers);
    this.endpoints[rank] = endpoint;
    return endpoint;
  }

  /** Bytes sent by `source` to `dest` that have not been delivered yet. */
  queuedBytes(source: number, dest: number): number {
    return this.inFlight.reduce((n, f) => (f.source === source && f.dest === dest ? n + f.bytes.length : n), 0);
  }

  /** Resolves once nothing is in flight (every frame sent so far, and those its delivery caused, arrived). */
  idle(): Promise<void> {
    if (!this.inFlight.length) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** @internal Called by an endpoint's send. */
  carry(source: number, dest: number, parts: Buffer[], onWritten?: () => void): void {
    if (!Number.isInteger(dest) || dest < 0 || dest >= this.size)
      throw new RangeError(`rank ${source} sent to rank ${dest}, outside 0..${this.size - 1}`);
    this.inFlight.push({ source, dest, bytes: Buffer.concat(parts) });
    if (onWritten) queueMicrotask(onWritten);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.deliverAll());
    }
  }

  /** Delivers every frame in flight now, in order; frames sent meanwhile wait for the next turn. */
  private deliverAll(): void {
    this.scheduled = false;
    const batch = this.inFlight.length;
    for (let i = 0; i < batch; i++) {
      const { source, dest, bytes } = this.inFlight.shift()!;
      this.endpoints[dest]?.receive(source, bytes, this.options.chunkBytes);
    }
    if (this.inFlight.length) {
      this.scheduled = true;
      setImmediate(() => this.deliverAll());
    } else {
      // Frames a rank sent to itself arrive as microtasks, which may send more: settle one turn later.
      setImmediate(() => {
        if (!this.inFlight.length) for (const w of this.idleWaiters.splice(0)) w();
      });
    }
  }
}

/** One rank's end of a MemoryNetwork. */
export class MemoryTransport implements RankTransport {
  private readonly decoders = new Map<number, FrameDecoder>();
  private closed = false;

  constructor(
    private readonly network: MemoryNetwork,
    readonly rank: number,
    private readonly handlers: MemoryEndpointHandlers,
  ) {}

  /** Nothing to listen on: peers are reached through the network object. */
  async listen(): Promise<Pick<PeerAddress, "unix" | "tcp">> {
    return {};
  }

  setPeers(_peers: PeerAddress[]): void {}

  send(dest: number, parts: Buffer[], onWritten?: () => void): void {
    if (this.closed) return;
    if (dest === this.rank) return deliverToSelf(parts, (frame) => this.handlers.onFrame(dest, frame), onWritten);
    this.network.carry(this.rank, dest, parts, onWritten);
  }

  queuedBytes(dest: number): number {
    return this.network.queuedBytes(this.rank, dest);
  }

  hasIncomingFrom(peer: number): boolean {
    return this.network.queuedBytes(peer, this.rank) > 0 || !(this.decoders.get(peer)?.idle ?? true);
  }

  /** Stops sending; frames already sent are still delivered. */
  async close(): Promise<void> {
    this.closed = true;
  }

  /** @internal The network hands this rank the bytes of one frame from `source`. */
  receive(source: number, bytes: Buffer, chunkBytes?: number): void {
    let decoder = this.decoders.get(source);
    if (!decoder)
      this.decoders.set(source, (decoder = new FrameDecoder((frame) => this.handlers.onFrame(source, frame))));
    const step = chunkBytes && chunkBytes > 0 ? chunkBytes : bytes.length || 1;
    try {
      for (let at = 0; at < bytes.length; at += step) decoder.push(bytes.subarray(at, at + step));
    } catch (err) {
      if (!this.handlers.onPeerError) throw err;
      this.handlers.onPeerError(source, err as Error);
    }
  }
}
