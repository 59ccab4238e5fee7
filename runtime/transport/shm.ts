// Shared-memory transport for ranks that run as worker threads of one process (`tsrun --transport shm`).
// One SharedArrayBuffer holds a byte ring per ordered pair of ranks (single producer, single consumer,
// lock-free) and a doorbell per rank. A sender copies a frame's bytes into the ring towards its peer and
// rings the peer's doorbell; the receiver drains every ring that has bytes into the same frame decoder a
// socket would feed, so the engine above sees the same frames in the same order. A rank blocked in a call
// polls the rings for a short budget (none when ranks outnumber cores), then sleeps in Atomics.waitAsync
// until a sender wakes it. A frame larger than the free space goes in pieces.
import { workerData, isMainThread } from "node:worker_threads";
import { FrameDecoder, type Frame } from "../wire/frame.ts";
import { shmLayout, SHM_SLOTS_PER_RANK, SHM_SLOTS_PER_RING, type PeerAddress } from "../wire/bootstrap.ts";
import { waitAsync } from "../wire/shared-memory.ts";
import { deliverToSelf, machineSaturated, type RankTransport } from "./link.ts";

/** A rank's slots: its doorbell, and 1 while it may be asleep (senders notify), 0 while it spins. */
const SLEEPING = 1;
/**
 * A ring's slots: bytes written (tail, on the writer's cache line), then bytes read (head) and whether the
 * writer waits for room (on the reader's line).
 */
const TAIL = 0;
const HEAD = 16;
const WRITER_WAITING = 17;

export interface ShmSegment {
  buffer: SharedArrayBuffer;
  size: number;
}

/** Allocates the segment for `size` ranks (the thread host does it once; here for tests). */
export function createShmSegment(size: number): ShmSegment {
  return { buffer: new SharedArrayBuffer(shmLayout(size).totalBytes), size };
}

/**
 * The segment the thread host gave this rank's thread, if it runs as one, and the world ranks that share it
 * (ascending; a rank's position is its index on the segment): every rank of the job on one host, or only
 * this host's ranks when the job spans several hosts (hybrid.ts).
 */
export function shmOfThisThread(): { buffer: SharedArrayBuffer; ranks: number[] | null } | null {
  if (isMainThread) return null;
  const data = workerData as { tsmpiShm?: unknown; tsmpiShmRanks?: unknown } | null;
  if (!(data?.tsmpiShm instanceof SharedArrayBuffer)) return null;
  const ranks = Array.isArray(data.tsmpiShmRanks) ? data.tsmpiShmRanks.map(Number) : null;
  return { buffer: data.tsmpiShm, ranks };
}

export interface ShmTransportOptions {
  rank: number;
  segment: ShmSegment;
  onFrame: (source: number, frame: Frame) => void;
  onPeerError: (peer: number, error: Error) => void;
  /** How long a receiver polls before it sleeps, in microseconds (0: never spin). */
  spinMicros: number;
  /**
   * Stop polling while the machine is saturated (link.ts machineSaturated, re-read every second); a rank
   * then sleeps at once. Off when the user set the polling time (TSMPI_SHM_SPIN_US).
   */
  yieldWhenLoaded?: boolean;
}

interface PendingWrite {
  bytes: Uint8Array;
  offset: number;
  onWritten?: () => void;
}

export class ShmTransport implements RankTransport {
  private readonly index: Int32Array;
  private readonly data: Uint8Array;
  /** The same bytes as a Buffer, which the decoders read from in place. */
  private readonly bytes: Buffer;
  private readonly size: number;
  private readonly ringBytes: number;
  private readonly layout: ReturnType<typeof shmLayout>;
  private readonly decoders: FrameDecoder[];
  /** Bytes waiting for room in the ring towards each peer, in order. */
  private readonly backlog = new Map<number, PendingWrite[]>();
  private closed = false;
  /** An Atomics.waitAsync on this rank's doorbell is outstanding. */
  private waiting = false;
  /** A spin cleared the sleeping flag; an event-loop turn will restore it (rearm). */
  private rearmQueued = false;
  private draining = false;
  private loadReadAt = -Infinity;
  private saturated = false;

  constructor(private readonly opt: ShmTransportOptions) {
    const { buffer, size } = opt.segment;
    const layout = shmLayout(size);
    this.layout = layout;
    this.size = size;
    this.ringBytes = layout.ringBytes;
    this.index = new Int32Array(buffer, 0, size * SHM_SLOTS_PER_RANK + size * size * SHM_SLOTS_PER_RING);
    this.data = new Uint8Array(buffer, layout.ringsAt);
    this.bytes = Buffer.from(buffer, layout.ringsAt);
    // The decoders read straight from the rings (transient chunks): a payload is copied once, ring to its buffer.
    this.decoders = Array.from(
      { length: size },
      (_, source) => new FrameDecoder((f) => this.opt.onFrame(source, f), undefined, undefined, true),
    );
  }

  /** Rank `rank`'s slab of the segment, which only that rank writes (the shared-memory collectives). */
  slab(rank: number): Uint8Array {
    const { slabsAt, slabBytes } = this.layout;
    return new Uint8Array(this.opt.segment.buffer, slabsAt + rank * slabBytes, slabBytes);
  }

  /** Nothing to listen on: peers are reached through the segment. */
  async listen(): Promise<Pick<PeerAddress, "unix" | "tcp">> {
    this.sleep();
    return {};
  }

  setPeers(_peers: PeerAddress[]): void {}

  /** Copies a frame into the ring towards `dest`; `onWritten` runs once every byte is in shared memory. */
  send(dest: number, parts: Buffer[], onWritten?: () => void): void {
    if (this.closed) return;
    if (dest === this.opt.rank) return deliverToSelf(parts, (frame) => this.opt.onFrame(dest, frame), onWritten);
    for (let i = 0; i < parts.length; i++) {
      const bytes = parts[i];
      const last = i === parts.length - 1;
      const queue = this.backlog.size ? this.backlog.get(dest) : undefined;
      if (queue) {
        queue.push({ bytes, offset: 0, onWritten: last ? onWritten : undefined });
        continue;
      }
      const offset = this.write(dest, bytes, 0);
      if (offset < bytes.length) this.backlog.set(dest, [{ bytes, offset, onWritten: last ? onWritten : undefined }]);
      else if (last) onWritten?.();
    }
    this.ring(dest);
  }

  /** True while bytes from `peer` wait in its ring or in the middle of a frame: they may still be delivered. */
  hasIncomingFrom(peer: number): boolean {
    const slot = this.ringSlot(peer, this.opt.rank);
    return Atomics.load(this.index, slot + TAIL) !== Atomics.load(this.index, slot + HEAD) || !this.decoders[peer].idle;
  }

  /** Bytes queued towards `dest` that are not yet in shared memory. */
  queuedBytes(dest: number): number {
    return (this.backlog.get(dest) ?? []).reduce((n, w) => n + w.bytes.length - w.offset, 0);
  }

  async close(): Promise<void> {
    // Whatever is still in the backlog must reach the rings before the rank goes away.
    while (!this.closed && [...this.backlog.values()].some((q) => q.length)) await new Promise((r) => setTimeout(r, 1));
    this.closed = true;
  }

  private ringSlot(source: number, dest: number): number {
    return this.size * SHM_SLOTS_PER_RANK + (source * this.size + dest) * SHM_SLOTS_PER_RING;
  }

  /** Writes as much of `bytes` from `offset` as fits in the ring towards `dest`; returns the offset reached. */
  private write(dest: number, bytes: Uint8Array, offset: number): number {
    const slot = this.ringSlot(this.opt.rank, dest);
    const base = (this.opt.rank * this.size + dest) * this.ringBytes;
    const mask = this.ringBytes - 1;
    while (offset < bytes.length) {
      const tail = Atomics.load(this.index, slot + TAIL);
      const head = Atomics.load(this.index, slot + HEAD);
      const free = this.ringBytes - ((tail - head) | 0);
      if (free === 0) {
        Atomics.store(this.index, slot + WRITER_WAITING, 1);
        // The reader may have drained between our look and the flag: look again before giving up.
        if (Atomics.load(this.index, slot + HEAD) !== head) continue;
        return offset;
      }
      const n = Math.min(free, bytes.length - offset);
      const at = tail & mask;
      const first = Math.min(n, this.ringBytes - at);
      if (offset === 0 && first === bytes.length)
        this.data.set(bytes, base + at); // the usual case: no view to make
      else this.data.set(bytes.subarray(offset, offset + first), base + at);
      if (n > first) this.data.set(bytes.subarray(offset + first, offset + n), base);
      offset += n;
      Atomics.store(this.index, slot + TAIL, (tail + n) | 0);
    }
    return offset;
  }

  /**
   * Wakes `rank` if it may sleep on its doorbell. A rank that polls (flag down) needs no ring: it clears the
   * flag before polling and raises it before it reads the bell to sleep, then drains once more, so with
   * sequentially consistent atomics either this sender sees the flag up or that drain sees the bytes.
   */
  private ring(rank: number): void {
    const bell = rank * SHM_SLOTS_PER_RANK;
    if (Atomics.load(this.index, bell + SLEEPING) !== 1) return;
    Atomics.add(this.index, bell, 1);
    Atomics.notify(this.index, bell, 1);
  }

  /** Moves every byte waiting in a ring towards us into that source's decoder; true if any arrived. */
  private drain(): boolean {
    // Not re-entered from a frame handler: the bytes being decoded stay in the ring until the push returns.
    if (this.draining) return false;
    this.draining = true;
    try {
      return this.drainRings();
    } finally {
      this.draining = false;
    }
  }

  private drainRings(): boolean {
    let any = false;
    const mask = this.ringBytes - 1;
    for (let source = 0; source < this.size; source++) {
      const slot = this.ringSlot(source, this.opt.rank);
      const head = Atomics.load(this.index, slot + HEAD);
      const tail = Atomics.load(this.index, slot + TAIL);
      const n = (tail - head) | 0;
      if (n === 0) continue;
      any = true;
      const base = (source * this.size + this.opt.rank) * this.ringBytes;
      const at = head & mask;
      const first = Math.min(n, this.ringBytes - at);
      try {
        // The decoder copies what it keeps; only then may the writer reuse the bytes (HEAD moves after).
        this.decoders[source].pushRange(this.bytes, base + at, base + at + first);
        if (n > first) this.decoders[source].pushRange(this.bytes, base, base + n - first);
      } catch (err) {
        this.opt.onPeerError(source, err as Error);
      }
      Atomics.store(this.index, slot + HEAD, (head + n) | 0);
      if (Atomics.exchange(this.index, slot + WRITER_WAITING, 0) === 1) this.ring(source);
    }
    return any;
  }

  /** Writes what waited for room in a ring; true if anything moved. */
  private flushBacklog(): boolean {
    let moved = false;
    for (const [dest, queue] of this.backlog) {
      while (queue.length) {
        const w = queue[0];
        const offset = this.write(dest, w.bytes, w.offset);
        if (offset !== w.offset) moved = true;
        w.offset = offset;
        if (offset < w.bytes.length) break;
        w.onWritten?.();
        queue.shift();
      }
      if (moved) this.ring(dest);
      if (!queue.length) this.backlog.delete(dest);
    }
    return moved;
  }

  /** The spin budget the engine may use (ShmTransportOptions.spinMicros; 0 while the machine is saturated). */
  get spinMicros(): number {
    if (!this.opt.yieldWhenLoaded || this.opt.spinMicros === 0) return this.opt.spinMicros;
    const now = Date.now();
    if (now - this.loadReadAt > 1000) {
      this.loadReadAt = now;
      this.saturated = machineSaturated();
    }
    return this.saturated ? 0 : this.opt.spinMicros;
  }

  /**
   * Writes what waited for room, then hands every whole frame already in a ring towards us to onFrame.
   * The engine calls it while a blocking call spins: senders then need not wake this rank (its sleeping
   * flag is cleared) until the event loop turns again, which restores the flag and the wait.
   */
  poll(): boolean {
    if (this.closed) return false;
    if (!this.rearmQueued) {
      this.rearmQueued = true;
      Atomics.store(this.index, this.opt.rank * SHM_SLOTS_PER_RANK + SLEEPING, 0);
      setImmediate(this.rearm);
    }
    if (this.backlog.size) this.flushBacklog();
    return this.drain();
  }

  private readonly rearm = (): void => {
    this.rearmQueued = false;
    this.sleep();
  };

  /**
   * Delivery from the event loop: drains what is there, then leaves one Atomics.waitAsync on this rank's
   * doorbell, which a sender notifies while the sleeping flag is up. No spinning here: the engine spins
   * (poll) only while a blocking call waits.
   */
  private sleep(): void {
    const bell = this.opt.rank * SHM_SLOTS_PER_RANK;
    while (!this.closed) {
      Atomics.store(this.index, bell + SLEEPING, 1);
      const seen = Atomics.load(this.index, bell);
      if (this.backlog.size) this.flushBacklog();
      this.drain();
      if (this.waiting) return; // the wait already left wakes at the next ring (notify ignores its value)
      const wait = waitAsync(this.index, bell, seen);
      if (!wait.async) continue; // the bell rang since we looked
      this.waiting = true;
      void (wait.value as Promise<string>).then(this.woken);
      return;
    }
  }

  private readonly woken = (): void => {
    this.waiting = false;
    this.sleep();
  };
}
