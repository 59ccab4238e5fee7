// Receive buffers for large frames, reused instead of allocated afresh per frame. A 1 MiB payload in a fresh
// buffer costs a fresh mapping (page faults, zeroing by the kernel) and external memory that drives the
// garbage collector; a pipeline receiving the same sizes over and over can reuse the same few buffers.
// The rule that keeps this safe: a buffer goes back to the pool ONLY when the code that consumed it says so
// (recycleReceived), and only code that copied the bytes out says so (a receive into the user's buffer). A
// payload handed to the user as a TypedArray or Buffer is never recycled: the pool simply lends another.
// Buffers are kept by exact size (messages of one program tend to repeat their sizes, and a received
// TypedArray's .buffer stays exactly the message), within a byte budget, oldest dropped first.

/** Payloads below this are not pooled: their allocation is cheap and they often arrive in one socket chunk. */
export const POOL_MIN_BYTES = 64 * 1024;
/** At most this many bytes wait in the pool (a rank holds no more idle receive memory than this). */
export const POOL_MAX_BYTES = 64 * 1024 * 1024;

export class ReceivePool {
  private free = new Map<number, ArrayBuffer[]>();
  private order: ArrayBuffer[] = [];
  private held = 0;
  /** Buffers this pool lent and that have not come back: only these may be recycled (never twice). */
  private lent = new WeakSet<ArrayBuffer>();
  /** Buffers lent and recycled (for tests and the benchmark). */
  reused = 0;

  constructor(private readonly maxBytes = POOL_MAX_BYTES) {}

  /** A buffer of exactly `bytes` bytes (contents undefined): a pooled one when there is one, else new. */
  take(bytes: number): Buffer {
    const list = this.free.get(bytes);
    let ab = list?.pop();
    if (ab) {
      this.held -= bytes;
      this.order.splice(this.order.indexOf(ab), 1);
      if (!list!.length) this.free.delete(bytes);
      this.reused++;
    } else {
      ab = Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer;
    }
    this.lent.add(ab);
    return Buffer.from(ab, 0, bytes);
  }

  /** True when a buffer of exactly `bytes` bytes waits in the pool. */
  has(bytes: number): boolean {
    return this.free.has(bytes);
  }

  /** True when `bytes` is exactly a buffer this pool lent and has not had back. */
  owns(bytes: Uint8Array): boolean {
    const ab = bytes.buffer as ArrayBuffer;
    return this.lent.has(ab) && bytes.byteOffset === 0 && bytes.byteLength === ab.byteLength;
  }

  /**
   * The consumer copied the bytes out and keeps no view of them: the buffer may be lent again. Anything
   * the pool did not lend (or already had back) is ignored, so a stray call can never hand a buffer out twice.
   */
  recycle(bytes: Uint8Array): void {
    if (!this.owns(bytes)) return;
    const ab = bytes.buffer as ArrayBuffer;
    this.lent.delete(ab);
    if (ab.byteLength > this.maxBytes) return;
    while (this.held + ab.byteLength > this.maxBytes && this.order.length) this.dropOldest();
    let list = this.free.get(ab.byteLength);
    if (!list) this.free.set(ab.byteLength, (list = []));
    list.push(ab);
    this.order.push(ab);
    this.held += ab.byteLength;
  }

  /** Bytes waiting in the pool. */
  get idleBytes(): number {
    return this.held;
  }

  private dropOldest(): void {
    const ab = this.order.shift()!;
    const list = this.free.get(ab.byteLength)!;
    list.splice(list.indexOf(ab), 1);
    if (!list.length) this.free.delete(ab.byteLength);
    this.held -= ab.byteLength;
  }
}

/** The rank's pool: every frame decoder of the process lends from it. */
export const receivePool = new ReceivePool();

/** A received payload was copied out by its consumer (see the header for when that may be said). */
export function recycleReceived(bytes: Uint8Array): void {
  receivePool.recycle(bytes);
}
