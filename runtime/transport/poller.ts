// The polling path of the socket transport: while a rank awaits a receive, the engine may spin on poll()
// for a bounded time (spinMicros) instead of waiting for the event loop to wake it (~70 µs per wake-up
// here). poll() reads each incoming connection's descriptor with a non-blocking fs.readSync and feeds the
// bytes to the same frame decoder the socket's 'data' events feed.
// Why frames stay in order and are never read twice: every byte leaves the kernel exactly once, by
// whichever read happens first (libuv's or ours), and both run on this thread, never at once; each read
// hands its bytes to the decoder before the next read can happen. libuv hands what it reads to the stream
// synchronously, and the stream passes it on at once to the 'data' listener while it is flowing with
// nothing buffered, so poll() reads a socket only then (readableLength 0, flowing): no byte the stream
// holds can be overtaken by a later one read here. End of stream and errors are left to the stream.
import * as fs from "node:fs";
import * as os from "node:os";
import { spinningPays } from "./link.ts";
import type * as net from "node:net";

/** Bytes read per non-blocking read (the size of a socket read in libuv). */
const READ_BYTES = 64 * 1024;
/** Spin budget when every rank of this host has a core of its own (about three event-loop wake-ups). */
export const DEFAULT_SPIN_MICROS = 200;

interface Polled {
  fd: number;
  ingest: (chunk: Buffer) => void;
}

export class SocketPoller {
  private sockets = new Map<net.Socket, Polled>();
  private scratch = Buffer.allocUnsafe(READ_BYTES);
  /** >0 while a chunk is being decoded: a poll() from inside (a frame handler) would split that chunk. */
  private feeding = 0;

  /** Hands a chunk the stream delivered to `ingest`; poll() does nothing meanwhile (see `feeding`). */
  feed(ingest: (chunk: Buffer) => void, chunk: Buffer): void {
    this.feeding++;
    try {
      ingest(chunk);
    } finally {
      this.feeding--;
    }
  }

  /** Polls `socket` from now on; `ingest` is what its 'data' listener does with a chunk (and may throw). */
  add(socket: net.Socket, ingest: (chunk: Buffer) => void): void {
    const fd = descriptorOf(socket);
    if (fd >= 0) this.sockets.set(socket, { fd, ingest });
  }

  remove(socket: net.Socket): void {
    this.sockets.delete(socket);
  }

  get size(): number {
    return this.sockets.size;
  }

  /** Reads every byte already arrived on every polled socket into its decoder; true if any arrived. */
  poll(): boolean {
    if (this.feeding > 0 || this.sockets.size === 0) return false;
    let any = false;
    for (const [socket, p] of this.sockets) if (this.drain(socket, p)) any = true;
    return any;
  }

  /** Reads `socket` until it would block (or a short read says it is empty); true if bytes came. */
  private drain(socket: net.Socket, p: Polled): boolean {
    let any = false;
    while (socket.readableFlowing === true && socket.readableLength === 0 && !socket.destroyed) {
      const n = readNow(p.fd, this.scratch);
      if (n < 0) {
        if (n === FAILED) this.sockets.delete(socket); // the stream reports the error
        return any;
      }
      if (n === 0) {
        this.sockets.delete(socket); // end of stream: the stream sees it too and closes the link
        return any;
      }
      const chunk = this.scratch.subarray(0, n);
      this.scratch = Buffer.allocUnsafe(READ_BYTES); // frames may keep views of the chunk
      any = true;
      try {
        this.feed(p.ingest, chunk);
      } catch {
        this.sockets.delete(socket); // ingest reported the error and destroyed the socket
        return any;
      }
      if (n < READ_BYTES) return any;
    }
    return any;
  }
}

const WOULD_BLOCK = -1;
const FAILED = -2;

/** One non-blocking read: the bytes read (0 at end of stream), WOULD_BLOCK, or FAILED. */
function readNow(fd: number, into: Buffer): number {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0; // a would-block read throws: no stack to build for it
  try {
    return fs.readSync(fd, into, 0, into.length, null);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === "EAGAIN" || code === "EWOULDBLOCK" ? WOULD_BLOCK : FAILED;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The descriptor under a connected socket (-1 when the platform gives none). */
function descriptorOf(socket: net.Socket): number {
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  return typeof fd === "number" && fd >= 0 ? fd : -1;
}

/**
 * How long a rank may spin on poll() before it yields to the event loop: TSMPI_SPIN_US when set (0: never
 * spin), else DEFAULT_SPIN_MICROS when spinning pays (link.ts: this host's ranks fit its cores and the
 * machine is not saturated), else 0, as Open MPI yields when oversubscribed.
 */
export function spinBudget(
  ranksHere: number,
  env: NodeJS.ProcessEnv = process.env,
  cores = os.availableParallelism(),
  load = os.loadavg()[0],
): number {
  const forced = env.TSMPI_SPIN_US;
  if (forced !== undefined && forced.trim() !== "") {
    const us = Number(forced);
    if (Number.isFinite(us) && us >= 0) return us;
  }
  return spinningPays(ranksHere, cores, load) ? DEFAULT_SPIN_MICROS : 0;
}
