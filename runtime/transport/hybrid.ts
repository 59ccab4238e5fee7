// The transport of a rank that runs as a thread next to other ranks of its host while the job spans several
// hosts (`tsrun --transport shm --hostfile …`): frames to a rank of this host go through the host's shared
// segment (shm.ts), frames to a rank of another host over TCP (transport.ts), as MPI uses shared memory
// within a node and the network between nodes. Each pair of ranks always uses the same path, so frames keep
// their order per (sender, receiver) pair, which is all the engine above needs.
// The segment is sized for this host's ranks only: the shared-memory transport under this one numbers them
// 0..n-1 (their local index, in ascending world rank), and this class translates world ranks to local
// indices on the way down and back on the way up (`translating`), so the ring logic stays as it is.
import type { Frame } from "../wire/frame.ts";
import type { PeerAddress } from "../wire/bootstrap.ts";
import type { RankTransport } from "./link.ts";

/** Least time between two polls of the network while a rank spins (20 µs). */
const NETWORK_POLL_MS = 0.02;

export interface HybridHandlers {
  onFrame: (source: number, frame: Frame) => void;
  onPeerError: (peer: number, error: Error) => void;
}

export class HybridTransport implements RankTransport {
  /** localOf[worldRank]: that rank's index on this host's segment, or -1 for a rank of another host. */
  private readonly localOf: Int32Array;
  private networkPolledAt = -Infinity;

  /**
   * @param localRanks the world ranks of this host, ascending (the local index of each is its position)
   * @param local the transport between this host's ranks, which numbers them by local index
   * @param remote the transport to every other rank, which numbers them by world rank
   */
  constructor(
    size: number,
    readonly localRanks: readonly number[],
    private readonly local: RankTransport,
    private readonly remote: RankTransport,
  ) {
    this.localOf = new Int32Array(size).fill(-1);
    localRanks.forEach((world, index) => (this.localOf[world] = index));
  }

  /** The handlers to give the local transport: its local indices become world ranks before the world sees them. */
  static translating(localRanks: readonly number[], world: HybridHandlers): HybridHandlers {
    return {
      onFrame: (source, frame) => world.onFrame(localRanks[source], frame),
      onPeerError: (peer, error) => world.onPeerError(peer >= 0 ? localRanks[peer] : peer, error),
    };
  }

  /** This host's index of world rank `rank`, or -1 when it runs on another host. */
  localIndex(rank: number): number {
    return this.localOf[rank] ?? -1;
  }

  /** Both start; the address the table needs is the network one (the segment needs none). */
  async listen(): Promise<Pick<PeerAddress, "unix" | "tcp">> {
    const [, address] = await Promise.all([this.local.listen(), this.remote.listen()]);
    return address;
  }

  setPeers(peers: PeerAddress[]): void {
    this.local.setPeers(this.localRanks.map((r) => peers[r]));
    this.remote.setPeers(peers);
  }

  send(dest: number, parts: Buffer[], onWritten?: () => void): void {
    const index = this.localIndex(dest);
    if (index >= 0) this.local.send(index, parts, onWritten);
    else this.remote.send(dest, parts, onWritten);
  }

  queuedBytes(dest: number): number {
    const index = this.localIndex(dest);
    return index >= 0 ? this.local.queuedBytes(index) : this.remote.queuedBytes(dest);
  }

  hasIncomingFrom(peer: number): boolean {
    const index = this.localIndex(peer);
    return index >= 0 ? this.local.hasIncomingFrom(index) : this.remote.hasIncomingFrom(peer);
  }

  /**
   * Polls the segment every time and the network at most every NETWORK_POLL_MS: a network poll is a
   * non-blocking read per connection (several microseconds each, tens on a loaded machine), which would
   * otherwise slow every turn of a spin waiting for a rank of this host, while a frame from another host
   * takes tens of microseconds to come anyway. Neither path waits for the other to be empty.
   */
  poll(): boolean {
    const fromHost = this.local.poll?.() ?? false;
    const now = performance.now();
    if (now - this.networkPolledAt < NETWORK_POLL_MS) return fromHost;
    this.networkPolledAt = now;
    const fromNetwork = this.remote.poll?.() ?? false;
    return fromHost || fromNetwork;
  }

  /** The longer of the two budgets: each already says 0 when its ranks outnumber the cores or the host is saturated. */
  get spinMicros(): number {
    return Math.max(this.local.spinMicros ?? 0, this.remote.spinMicros ?? 0);
  }

  async close(): Promise<void> {
    await Promise.all([this.local.close(), this.remote.close()]);
  }
}
