// The shared state of one window on this rank (MPI-4 §12.2): its communicator, the CONTROL channel this rank
// receives the window's frames on, the exposed memory as bytes, what every member exposes (size,
// displacement unit, element type, the channel it receives on), the fence round counters, and the waiters
// of synchronisation calls. Origin side (origin.ts), target side (target.ts) and the epochs (sync-*.ts)
// all work on it; waiters are re-checked after every frame.
import { blocking } from "../trace/activity.ts";
import { WindowMsg } from "../protocol.ts";
import type { CommCore } from "../comm/communicator.ts";
import type { Engine } from "../comm/engine.ts";
import type { Origin } from "./origin.ts";
import type { Target } from "./target.ts";
import type { EpochState } from "./epoch.ts";

/** The parts of one window, as the calls in access.ts and sync-*.ts see them. */
export interface WinParts {
  core: WinCore;
  origin: Origin;
  target: Target;
  epoch: EpochState;
}

/** What a member's window exposes, exchanged at creation. */
export interface PeerWindow {
  /** window size in bytes */
  bytes: number;
  dispUnit: number;
  /** basic type code of the window's array (UINT8 for byte arrays, BYTE for a DataView) */
  code: number;
  /** the CONTROL channel this member receives the window's frames on (channels.ts) */
  channel: number;
}

interface Waiter {
  ready: () => boolean;
  resolve: () => void;
}

export class WinCore {
  readonly engine: Engine;
  readonly rank: number;
  readonly size: number;
  /** what every member exposes, by rank: empty until the creation exchange completes (setPeers) */
  peers: PeerWindow[] = [];
  /** fence() calls this rank entered: the round its origin frames carry */
  fencesEntered = 0;
  /** fence rounds whose frames from every member have all been applied here */
  fencesCompleteHere = 0;
  freed = false;
  private readonly waiters = new Set<Waiter>();
  /** frames to other members sent before their channels were known (answers to a faster member), in order */
  private unaddressed: [rank: number, kind: number, payload: Uint8Array][] = [];

  constructor(
    readonly comm: CommCore,
    /** the CONTROL channel this rank receives the window's frames on */
    readonly channel: number,
    /** the window's bytes (a view of the user's array) */
    readonly memory: Uint8Array,
    readonly name: string,
  ) {
    this.engine = comm.world.engine;
    this.rank = comm.rank;
    this.size = comm.size;
  }

  /** The window's frame handler (target.ts), for frames this rank sends to itself. */
  deliverLocally: (sourceWorld: number, kind: number, payload: Uint8Array) => void = () => {};

  /**
   * Sends a frame of this window to a member (a rank of the window's communicator), on the channel that
   * member receives on (held back until the creation exchange tells it). Frames to this rank
   * itself are delivered on a later turn of the event loop (setImmediate, in order), never as microtasks:
   * a program spinning on compareAndSwap of its own window must still let other ranks' frames in. A lock
   * request on its own window joins the lock's queue at once: the queue is in the order the lock calls were
   * made, so a request another rank makes after hearing from this one (a message sent after lock()) queues
   * behind it however soon its frame arrives.
   */
  send(rank: number, kind: number, payload: Uint8Array): void {
    if (rank === this.rank) {
      if (kind === WindowMsg.LOCK) return this.deliverLocally(this.comm.world.rank, kind, payload);
      setImmediate(() => this.deliverLocally(this.comm.world.rank, kind, payload));
      return;
    }
    if (this.peers.length === 0) this.unaddressed.push([rank, kind, payload]);
    else this.engine.sendControl(this.comm.worldRank(rank), this.peers[rank].channel, kind, payload);
  }

  /**
   * Records the creation exchange's result and sends the frames that waited for it: a member that finished the
   * exchange first may already have sent this rank a frame whose answer needs that member's channel.
   */
  setPeers(peers: PeerWindow[]): void {
    this.peers = peers;
    for (const [rank, kind, payload] of this.unaddressed) this.send(rank, kind, payload);
    this.unaddressed = [];
  }

  /** Resolves once `ready()` holds (re-checked after every frame), recorded as a blocking call. */
  waitFor(ready: () => boolean, describe: () => string, waitsFor: number[]): Promise<void> {
    if (ready()) return Promise.resolve();
    const p = new Promise<void>((resolve) => this.waiters.add({ ready, resolve }));
    return blocking(
      p,
      describe,
      this.comm.name,
      waitsFor.map((r) => this.comm.worldRank(r)),
    );
  }

  /** Records a pending promise as a blocking call on this window (diagnostics, keep-alive). */
  blocking<T>(p: Promise<T>, describe: string, waitsFor: number[]): Promise<T> {
    return blocking(
      p,
      describe,
      this.comm.name,
      waitsFor.map((r) => this.comm.worldRank(r)),
    );
  }

  /** Re-checks every waiter (after a frame changed the state). */
  wake(): void {
    for (const w of this.waiters) {
      if (w.ready()) {
        this.waiters.delete(w);
        w.resolve();
      }
    }
  }

  /** Every member's rank, for calls that wait for all of them. */
  everyone(): number[] {
    return Array.from({ length: this.size }, (_, i) => i);
  }
}
