// Passive-target synchronisation (MPI-4 §12.5.3 lock/unlock, lockAll/unlockAll, §12.5.4 flush,
// flushAll, flushLocal, flushLocalAll, MPI_Win_sync). The target calls nothing: its event loop serves the
// lock queue and the operations (see target.ts for what a busy loop at the target does).
// lock() sends the request and returns without waiting for the grant (operations issued meanwhile wait
// at the target until it is granted), except on the rank's own window, where the program may read and
// write its memory directly and so needs the lock before lock() returns. unlock() and flush() send a
// request the target answers once every earlier operation of this origin is applied; their answer comes
// after every earlier get reply, so the origin buffers are filled when they return.
import { mpiError } from "../errors.ts";
import { PROC_NULL, LOCK_EXCLUSIVE, LOCK_SHARED } from "../constants.ts";
import { LOCK_ASSERTS } from "./constants.ts";
import { FLAG_PASSIVE, WindowMsg } from "../protocol.ts";
import { checkOpen } from "./access.ts";
import { syncError } from "./epoch.ts";
import { checkAssert } from "./sync-active.ts";
import type { WinParts } from "./core.ts";

const lockName = (type: number) =>
  type === LOCK_EXCLUSIVE ? "LOCK_EXCLUSIVE" : type === LOCK_SHARED ? "LOCK_SHARED" : String(type);

function checkTarget(w: WinParts, op: string, target: number): void {
  if (target === PROC_NULL || (Number.isInteger(target) && target >= 0 && target < w.core.size)) return;
  throw mpiError("ERR_RANK", op, "target rank out of range", {
    measured: target,
    peer: target,
    expected: `0..${w.core.size - 1} or PROC_NULL`,
  });
}

/** Sends the lock request; waits for the grant only on this rank's own window. */
async function requestLock(w: WinParts, target: number, type: number, op: string): Promise<void> {
  w.epoch.locked.set(target, type);
  const granted = w.origin.request(target, WindowMsg.LOCK, 0, type);
  if (target === w.core.rank)
    await w.core.blocking(granted, `win.${op} waiting for the lock on its own window`, [target]);
}

export async function lock(w: WinParts, target: number, type = LOCK_EXCLUSIVE, assert = 0): Promise<void> {
  const op = `lock(target=${target}, ${lockName(type)})`;
  checkOpen(w, op);
  checkAssert(op, assert, LOCK_ASSERTS);
  checkTarget(w, op, target);
  if (type !== LOCK_EXCLUSIVE && type !== LOCK_SHARED) {
    throw mpiError("ERR_ARG", op, "invalid lock type", {
      measured: type,
      expected: "mpi.LOCK_EXCLUSIVE or mpi.LOCK_SHARED",
    });
  }
  if (target === PROC_NULL) return;
  if (w.epoch.accessGroup) throw syncError(op, "lock inside a PSCW access epoch", "Call await win.complete() first");
  w.epoch.checkLock(op, target);
  await requestLock(w, target, type, op);
}

async function release(w: WinParts, targets: number[], op: string): Promise<void> {
  const answers = targets.map((t) => w.origin.request(t, WindowMsg.UNLOCK, FLAG_PASSIVE));
  await w.core.blocking(Promise.all(answers), `win.${op}`, targets);
}

export async function unlock(w: WinParts, target: number): Promise<void> {
  const op = `unlock(target=${target})`;
  checkOpen(w, op);
  checkTarget(w, op, target);
  if (target === PROC_NULL) return;
  w.epoch.checkUnlock(op, target);
  w.epoch.locked.delete(target);
  await release(w, [target], op);
}

export async function lockAll(w: WinParts, assert = 0): Promise<void> {
  const op = "lockAll()";
  checkOpen(w, op);
  checkAssert(op, assert, LOCK_ASSERTS);
  if (w.epoch.lockAll) throw syncError(op, "lockAll inside lockAll()", "Call await win.unlockAll() first");
  if (w.epoch.locked.size)
    throw syncError(
      op,
      "lockAll while single targets are locked",
      `Unlock them first (locked: [${[...w.epoch.locked.keys()].join(", ")}])`,
    );
  if (w.epoch.accessGroup) throw syncError(op, "lockAll inside a PSCW access epoch", "Call await win.complete() first");
  w.epoch.checkNoFenceEpoch(op, "lockAll");
  w.epoch.lockAll = true;
  await Promise.all(w.core.everyone().map((t) => requestLock(w, t, LOCK_SHARED, op)));
}

export async function unlockAll(w: WinParts): Promise<void> {
  const op = "unlockAll()";
  checkOpen(w, op);
  if (!w.epoch.lockAll)
    throw syncError(
      op,
      "unlockAll without lockAll",
      w.epoch.locked.size
        ? "Targets locked with win.lock(target) are released with win.unlock(target)"
        : "Call await win.lockAll() first",
    );
  const targets = [...w.epoch.locked.keys()];
  w.epoch.locked.clear();
  w.epoch.lockAll = false;
  await release(w, targets, op);
}

function checkLocked(w: WinParts, op: string, target: number): void {
  if (!w.epoch.locked.has(target)) {
    throw syncError(
      op,
      `no passive-target epoch on rank ${target}`,
      `flush completes operations of a lock epoch: call await win.lock(${target}) first (fence and PSCW epochs complete at fence()/complete())`,
    );
  }
}

export async function flush(w: WinParts, target: number): Promise<void> {
  const op = `flush(target=${target})`;
  checkOpen(w, op);
  checkTarget(w, op, target);
  if (target === PROC_NULL) return;
  checkLocked(w, op, target);
  await w.core.blocking(w.origin.request(target, WindowMsg.FLUSH, FLAG_PASSIVE), `win.${op}`, [target]);
}

function lockedTargets(w: WinParts, op: string): number[] {
  if (!w.epoch.locked.size)
    throw syncError(
      op,
      "no passive-target epoch is open",
      "flushAll/flushLocalAll complete operations of lock epochs: call await win.lock(target) or win.lockAll() first",
    );
  return [...w.epoch.locked.keys()];
}

export async function flushAll(w: WinParts): Promise<void> {
  checkOpen(w, "flushAll()");
  const targets = lockedTargets(w, "flushAll()");
  await w.core.blocking(
    Promise.all(targets.map((t) => w.origin.request(t, WindowMsg.FLUSH, FLAG_PASSIVE))),
    "win.flushAll()",
    targets,
  );
}

/** flushLocal: the origin buffers of operations to `target` may be reused (gets have landed). */
export async function flushLocal(w: WinParts, target: number): Promise<void> {
  const op = `flushLocal(target=${target})`;
  checkOpen(w, op);
  checkTarget(w, op, target);
  if (target === PROC_NULL) return;
  checkLocked(w, op, target);
  await w.core.waitFor(
    () => w.origin.pendingAnswers(target) === 0,
    () => `win.${op}`,
    [target],
  );
}

export async function flushLocalAll(w: WinParts): Promise<void> {
  checkOpen(w, "flushLocalAll()");
  const targets = lockedTargets(w, "flushLocalAll()");
  await w.core.waitFor(
    () => targets.every((t) => w.origin.pendingAnswers(t) === 0),
    () => "win.flushLocalAll()",
    targets,
  );
}

/** MPI_Win_sync: memory is unified here, so it only lets the event loop serve incoming operations once. */
export async function sync(w: WinParts): Promise<void> {
  checkOpen(w, "sync()");
  await new Promise<void>((resolve) => setImmediate(resolve));
}
