// The epochs of a window on this rank (MPI-4 §12.5): which access epochs are open (fence, PSCW start,
// passive-target lock per target or lockAll) and the exposure epoch (PSCW post), and the ERR_RMA_SYNC
// errors for calls made in the wrong one: an operation with no access epoch on its target, unlock
// without lock, fence inside a lock or PSCW epoch, lock inside a fence epoch that issued operations
// (close it with fence(MODE_NOSUCCEED) first), free inside an open epoch.
import { mpiError, type MpiError } from "../errors.ts";
import { LOCK_EXCLUSIVE } from "../constants.ts";
import { FLAG_PASSIVE } from "../protocol.ts";

export function syncError(op: string, what: string, hint: string, measured?: unknown, expected?: unknown): MpiError {
  return mpiError("ERR_RMA_SYNC", op, what, { measured, expected, hint });
}

export class EpochState {
  /** a fence without MODE_NOSUCCEED was called: the fence epoch is open */
  fenceOpen = false;
  /** operations were issued since the last fence */
  opsSinceFence = false;
  /** passive-target locks this rank holds (or has requested), by target: lock type */
  readonly locked = new Map<number, number>();
  lockAll = false;
  /** PSCW: the targets of the access epoch opened by start(), or null */
  accessGroup: Set<number> | null = null;
  /** PSCW: the origins of the exposure epoch opened by post(), or null */
  exposureGroup: number[] | null = null;

  /**
   * Checks that an RMA operation on `target` is inside an access epoch; returns the frame flags
   * (FLAG_PASSIVE under a lock). ERR_RMA_SYNC otherwise.
   */
  access(op: string, target: number): number {
    if (this.locked.has(target)) return FLAG_PASSIVE;
    if (this.accessGroup?.has(target)) return 0;
    if (this.fenceOpen && !this.accessGroup) {
      this.opsSinceFence = true;
      return 0;
    }
    if (this.accessGroup) {
      throw syncError(
        op,
        `rank ${target} is not in the group of the access epoch opened by start()`,
        "Add the target to the group passed to win.start(group), or lock it with win.lock(target)",
        target,
        `one of [${[...this.accessGroup].join(", ")}]`,
      );
    }
    throw syncError(
      op,
      "no access epoch is open on the window",
      `Open one first: await win.fence(), await win.lock(${target}) (passive target) or await win.start(group) (PSCW)`,
    );
  }

  /** Throws unless a fence may be called now. */
  checkFence(op: string): void {
    if (this.locked.size) {
      throw syncError(
        op,
        "fence inside a passive-target epoch",
        `Unlock first: await win.${this.lockAll ? "unlockAll()" : `unlock(${[...this.locked.keys()][0]})`}; fence and lock epochs do not mix`,
        `locked targets [${[...this.locked.keys()].join(", ")}]`,
        "none",
      );
    }
    if (this.accessGroup || this.exposureGroup) {
      throw syncError(
        op,
        "fence inside a PSCW epoch",
        this.accessGroup ? "Call await win.complete() first" : "Call await win.wait() first",
      );
    }
  }

  /** Throws if a fence epoch with operations is open (before lock/start/post). */
  checkNoFenceEpoch(op: string, what: string): void {
    if (this.fenceOpen && this.opsSinceFence) {
      throw syncError(
        op,
        `${what} inside a fence epoch that issued operations`,
        "End the fence epoch with await win.fence(mpi.MODE_NOSUCCEED) before switching to lock or PSCW synchronisation",
      );
    }
    this.fenceOpen = false;
  }

  checkLock(op: string, target: number): void {
    if (this.lockAll)
      throw syncError(
        op,
        "lock inside lockAll()",
        "lockAll already locks every target; call await win.unlockAll() first",
      );
    if (this.locked.has(target)) {
      throw syncError(
        op,
        `rank ${target} is already locked by this rank`,
        "Unlock it before locking it again",
        this.locked.get(target) === LOCK_EXCLUSIVE ? "LOCK_EXCLUSIVE held" : "LOCK_SHARED held",
        "no lock",
      );
    }
    this.checkNoFenceEpoch(op, "lock");
  }

  checkUnlock(op: string, target: number): void {
    if (this.lockAll)
      throw syncError(op, "unlock inside lockAll()", "Close a lockAll() epoch with await win.unlockAll()");
    if (!this.locked.has(target)) {
      throw syncError(
        op,
        `rank ${target} is not locked by this rank`,
        `Call await win.lock(${target}) before operations and unlock(${target}) after them`,
        "no lock",
        "a lock from win.lock()",
      );
    }
  }

  /** Throws if any epoch is still open (before free). */
  checkClosed(op: string): void {
    if (this.locked.size)
      throw syncError(
        op,
        "the window is freed inside a passive-target epoch",
        `Call await win.${this.lockAll ? "unlockAll()" : "unlock(target)"} first`,
        `locked targets [${[...this.locked.keys()].join(", ")}]`,
        "none",
      );
    if (this.accessGroup)
      throw syncError(op, "the window is freed inside a PSCW access epoch", "Call await win.complete() first");
    if (this.exposureGroup)
      throw syncError(op, "the window is freed inside a PSCW exposure epoch", "Call await win.wait() first");
    if (this.fenceOpen && this.opsSinceFence)
      throw syncError(
        op,
        "the window is freed inside a fence epoch with operations not completed",
        "Call await win.fence() after the last operation, then free()",
      );
  }
}
