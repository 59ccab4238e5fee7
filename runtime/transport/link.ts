// The transport seam: what a rank's world needs from whatever carries frames between ranks (Unix or TCP
// sockets in transport.ts, shared-memory rings in shm.ts, in-process queues in memory.ts), and the one
// way every transport delivers a frame a rank sends to itself. A transport is a "frame bytes in, frames
// out" pipe: it moves the bytes encodeFrame produced, in order per (sender, receiver) pair (MPI's
// non-overtaking rule rests on that), and hands each whole frame to the world's onFrame(source, frame).
// Matching, flow control and rendezvous stay in the engine above (runtime/comm/engine.ts).
import * as os from "node:os";
import { FrameDecoder, type Frame } from "../wire/frame.ts";
import type { PeerAddress } from "../wire/bootstrap.ts";

/** A rank's end of the transport, as the world drives it. */
export interface RankTransport {
  /** Starts accepting peers; returns this rank's address for the launcher's table (empty when none is needed). */
  listen(): Promise<Pick<PeerAddress, "unix" | "tcp">>;
  /** The address table of every rank, once the launcher has it (before the first send to a peer). */
  setPeers(peers: PeerAddress[]): void;
  /**
   * Queues one frame (the buffers encodeFrame returned) to world rank `dest`, after every frame queued to
   * `dest` before it. The caller may reuse the buffers once `onWritten` runs (the bytes left its hands).
   */
  send(dest: number, parts: Buffer[], onWritten?: () => void): void;
  /** Bytes queued towards `dest` that have not left this rank yet (flow diagnostics). */
  queuedBytes(dest: number): number;
  /** True while frames `peer` sent may still arrive (fault tolerance waits for them before failing a receive). */
  hasIncomingFrom(peer: number): boolean;
  /**
   * Synchronously hands every whole frame that has already arrived to onFrame; returns true if any did.
   * A transport that has it lets a rank blocked in a call spin on it (Engine.spinWhile) instead of waiting
   * for an event-loop wake-up; its own event-loop delivery keeps working whether or not anyone polls.
   */
  poll?(): boolean;
  /** How long, in microseconds, the engine may spin on poll() while a blocking call waits (0: never). */
  spinMicros?: number;
  /** Flushes what is queued, then closes every link. */
  close(): Promise<void>;
}

/**
 * A frame a rank sends to itself: copied at once (the caller may reuse its buffers), then decoded and handed
 * to `onFrame` on a later microtask, as a socket would (never inside the send call), then `onWritten` runs.
 * Frames sent to oneself arrive in the order sent, since microtasks run in order.
 */
export function deliverToSelf(parts: Buffer[], onFrame: (frame: Frame) => void, onWritten?: () => void): void {
  const whole = parts.length === 1 ? Buffer.from(parts[0]) : Buffer.concat(parts);
  queueMicrotask(() => {
    new FrameDecoder(onFrame).push(whole);
    onWritten?.();
  });
}

/**
 * The machine is saturated when its 1-minute load reaches twice its cores: a rank that spins for a peer the
 * scheduler has not run yet only delays it (Open MPI yields when idle). Twice, because a job's own waiting
 * ranks count in the load while they spin (up to one per core): the job alone never turns spinning off.
 */
export function machineSaturated(cores = os.availableParallelism(), load = os.loadavg()[0]): boolean {
  return load >= 2 * cores;
}

/** Spinning pays while this host's ranks fit its cores and the machine is not saturated. */
export function spinningPays(ranksHere: number, cores = os.availableParallelism(), load = os.loadavg()[0]): boolean {
  return ranksHere <= cores && !machineSaturated(cores, load);
}
