// The lock of one target's window (MPI-4 §12.5.3 MPI_Win_lock): exclusive locks exclude every other
// holder, shared locks share with each other. Granted in arrival order: a request that cannot be granted
// waits, and every later request waits behind it, so an exclusive request is never starved by a stream
// of shared ones (shared requests queued behind it wait until it has been granted and released).
import { LOCK_EXCLUSIVE } from "../constants.ts";

interface Waiting {
  origin: number;
  type: number;
  grant: () => void;
}

export class LockQueue {
  /** lock type held, by origin (local rank) */
  private readonly holders = new Map<number, number>();
  private exclusiveHolder = -1;
  private readonly waiting: Waiting[] = [];

  /** Asks for the lock; `grant` runs when it is granted (at once if possible). */
  request(origin: number, type: number, grant: () => void): void {
    this.waiting.push({ origin, type, grant });
    this.grantFromHead();
  }

  /** Releases `origin`'s lock; false when it held none. */
  release(origin: number): boolean {
    if (!this.holders.delete(origin)) return false;
    if (this.exclusiveHolder === origin) this.exclusiveHolder = -1;
    this.grantFromHead();
    return true;
  }

  holds(origin: number): boolean {
    return this.holders.has(origin);
  }

  /** Holders and waiters, for diagnostics. */
  describe(): string {
    const held = [...this.holders].map(([o, t]) => `${o}:${t === LOCK_EXCLUSIVE ? "exclusive" : "shared"}`);
    return `held by [${held.join(", ")}], ${this.waiting.length} waiting`;
  }

  private compatible(type: number): boolean {
    if (type === LOCK_EXCLUSIVE) return this.holders.size === 0;
    return this.exclusiveHolder < 0;
  }

  private grantFromHead(): void {
    while (this.waiting.length && this.compatible(this.waiting[0].type)) {
      const next = this.waiting.shift()!;
      this.holders.set(next.origin, next.type);
      if (next.type === LOCK_EXCLUSIVE) this.exclusiveHolder = next.origin;
      next.grant();
    }
  }
}
