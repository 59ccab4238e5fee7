// class Win (MPI_Win, MPI-4 chapter 12): memory of each member of a communicator that the others may read
// and write with one-sided calls. Methods in the standard's order: creation (create, allocate; collective),
// attributes (memory, bytes, dispUnit, comm, group), communication (put, get, accumulate, getAccumulate,
// fetchAndOp, compareAndSwap; complete at the closing synchronisation), active-target synchronisation
// (fence, post/start/complete/wait/test), passive-target synchronisation (lock/unlock, lockAll/unlockAll,
// flushes, sync), free. Each hands over to rma/ (window.ts, access.ts, sync-active.ts, sync-passive.ts).
//
// Passive target and progress: a target serves its window on its event loop while its program awaits
// anything. A target that spins in a synchronous loop serves nothing until it awaits again (as MPI with
// no asynchronous progress thread): put `await new Promise(setImmediate)` or `await win.sync()` in it.
import { mpiError } from "../errors.ts";
import { windowCreated, windowFreed } from "../trace/leftovers.ts";
import { traceEvent } from "../trace/tracer.ts";
import { SUM, type BufferView, type Datatype, type Op } from "../datatype/index.ts";
import type { WinParts } from "../rma/core.ts";
import { allocateMemory, createWindow, freeWindow } from "../rma/window.ts";
import * as access from "../rma/access.ts";
import * as active from "../rma/sync-active.ts";
import * as passive from "../rma/sync-passive.ts";
import { Comm, commCore } from "./comm.ts";
import { Group, groupMembers, newGroup } from "./group.ts";

export class Win {
  /** the window's memory on this rank: the array given to create(), or the one allocate() made */
  readonly memory: BufferView;
  /** the communicator the window was created on */
  readonly comm: Comm;
  /** displacement unit of this rank's window, in bytes */
  readonly dispUnit: number;
  readonly #parts: WinParts;

  private constructor(memory: BufferView, comm: Comm, parts: WinParts) {
    this.memory = memory;
    this.comm = comm;
    this.#parts = parts;
    this.dispUnit = parts.core.peers[parts.core.rank].dispUnit;
  }

  /** MPI_Win_create (collective): exposes `array`; displacements count `dispUnit` bytes (default: its element size). */
  static async create(array: BufferView, comm: Comm, options: { dispUnit?: number } = {}): Promise<Win> {
    if (!(comm instanceof Comm) || comm.rank < 0)
      throw mpiError("ERR_COMM", "Win.create", "not a communicator this rank belongs to", {
        hint: "Pass mpi.COMM_WORLD or a communicator returned by init(), dup() or split()",
      });
    const win = new Win(array, comm, await createWindow(commCore(comm), array, options.dispUnit));
    windowCreated(win, `Win.create(${array.byteLength} bytes) on ${comm.name}`);
    return win;
  }

  /**
   * MPI_Win_allocate (collective): a window of `count` items of `datatype`, zeroed, in `win.memory` (an array of
   * the type's basic element, or bytes for a type that mixes several). Displacements count items of the type.
   */
  static async allocate(
    count: number,
    datatype: Datatype,
    comm: Comm,
    options: { dispUnit?: number } = {},
  ): Promise<Win> {
    const memory = allocateMemory(count, datatype);
    return Win.create(memory, comm, { dispUnit: options.dispUnit ?? Math.max(1, datatype.extent) });
  }

  /** Bytes of this rank's window (MPI_WIN_SIZE). */
  get bytes(): number {
    return this.memory.byteLength;
  }

  /** The group of the window's communicator (MPI_Win_get_group). */
  get group(): Group {
    const core = this.#parts.core.comm;
    return newGroup(core.members, core.world.rank);
  }

  // ---- communication (§12.3) ------------------------------------------------------------------------

  /** MPI_Put: origin (a TypedArray or mpi.buf spec) → target's window at targetDisp; complete at the closing synchronisation. */
  put(origin: unknown, targetRank: number, targetDisp = 0, targetType?: Datatype, targetCount?: number): void {
    this.#trace("rma", "put", targetRank, targetDisp);
    access.put(this.#parts, origin, targetRank, targetDisp, targetType, targetCount);
  }

  /** MPI_Get: target's window → originInto; the data is there after the closing synchronisation. */
  get(originInto: unknown, targetRank: number, targetDisp = 0, targetType?: Datatype, targetCount?: number): void {
    this.#trace("rma", "get", targetRank, targetDisp);
    access.get(this.#parts, originInto, targetRank, targetDisp, targetType, targetCount);
  }

  /** MPI_Accumulate: target = origin op target, element-wise and atomic per element (op predefined, or REPLACE). */
  accumulate(
    origin: unknown,
    targetRank: number,
    targetDisp = 0,
    op: Op = SUM,
    targetType?: Datatype,
    targetCount?: number,
  ): void {
    this.#trace("rma", "accumulate", targetRank, targetDisp);
    access.accumulate(this.#parts, origin, targetRank, targetDisp, op, targetType, targetCount);
  }

  /** MPI_Get_accumulate: result = old target; target = origin op target (NO_OP: an atomic read, origin may be null). */
  getAccumulate(
    origin: unknown,
    result: unknown,
    targetRank: number,
    targetDisp = 0,
    op: Op = SUM,
    targetType?: Datatype,
    targetCount?: number,
  ): void {
    this.#trace("rma", "getAccumulate", targetRank, targetDisp);
    access.getAccumulate(this.#parts, origin, result, targetRank, targetDisp, op, targetType, targetCount);
  }

  /** MPI_Fetch_and_op on one element (of the target window's type, or `datatype`): resolves with the old value. */
  fetchAndOp(
    value: number | bigint | null,
    targetRank: number,
    targetDisp = 0,
    op: Op = SUM,
    datatype?: Datatype,
  ): Promise<number | bigint | undefined> {
    this.#trace("rma", "fetchAndOp", targetRank, targetDisp);
    return access.fetchAndOp(this.#parts, value, targetRank, targetDisp, op, datatype);
  }

  /** MPI_Compare_and_swap: the element becomes `value` if it equals `compare`; resolves with the old value. */
  compareAndSwap(
    value: number | bigint,
    compare: number | bigint,
    targetRank: number,
    targetDisp = 0,
    datatype?: Datatype,
  ): Promise<number | bigint | undefined> {
    this.#trace("rma", "compareAndSwap", targetRank, targetDisp);
    return access.compareAndSwap(this.#parts, value, compare, targetRank, targetDisp, datatype);
  }

  // ---- active target (§12.5.1, §12.5.2) -----------------------------------------------------------

  /** MPI_Win_fence (collective): completes the operations of the epoch and opens the next (not with MODE_NOSUCCEED). */
  fence(assert = 0): Promise<void> {
    this.#trace("epoch", "fence");
    return active.fence(this.#parts, assert);
  }
  /** MPI_Win_post: exposes this window to the origins of `group` (ranks or an mpi.Group). */
  post(group: unknown, assert = 0): Promise<void> {
    this.#trace("epoch", "post");
    return active.post(this.#parts, worldRanksOf(group), assert);
  }
  /** MPI_Win_start: access epoch on the targets of `group`, once each has posted. */
  start(group: unknown, assert = 0): Promise<void> {
    this.#trace("epoch", "start");
    return active.start(this.#parts, worldRanksOf(group), assert);
  }
  /** MPI_Win_complete: ends the access epoch; its operations are complete at the origin. */
  complete(): Promise<void> {
    this.#trace("epoch", "complete");
    return active.complete(this.#parts);
  }
  /** MPI_Win_wait: ends the exposure epoch once every origin has completed. */
  wait(): Promise<void> {
    this.#trace("epoch", "wait");
    return active.wait(this.#parts);
  }
  /** MPI_Win_test: wait() without blocking; true once the exposure epoch ended. */
  test(): boolean {
    return active.test(this.#parts);
  }

  // ---- passive target (§12.5.3–12.5.4) ------------------------------------------------------------

  /** MPI_Win_lock: passive-target epoch on targetRank (LOCK_EXCLUSIVE by default, or LOCK_SHARED). */
  lock(targetRank: number, lockType?: number, assert = 0): Promise<void> {
    this.#trace("epoch", "lock", targetRank);
    return passive.lock(this.#parts, targetRank, lockType, assert);
  }
  /** MPI_Win_unlock: completes the epoch's operations at origin and target, then releases the lock. */
  unlock(targetRank: number): Promise<void> {
    this.#trace("epoch", "unlock", targetRank);
    return passive.unlock(this.#parts, targetRank);
  }
  /** MPI_Win_lock_all: a shared lock on every member. */
  lockAll(assert = 0): Promise<void> {
    this.#trace("epoch", "lockAll");
    return passive.lockAll(this.#parts, assert);
  }
  /** MPI_Win_unlock_all. */
  unlockAll(): Promise<void> {
    this.#trace("epoch", "unlockAll");
    return passive.unlockAll(this.#parts);
  }
  /** MPI_Win_flush: completes the operations to targetRank at origin and target, keeping the lock. */
  flush(targetRank: number): Promise<void> {
    this.#trace("epoch", "flush", targetRank);
    return passive.flush(this.#parts, targetRank);
  }
  /** MPI_Win_flush_all. */
  flushAll(): Promise<void> {
    this.#trace("epoch", "flushAll");
    return passive.flushAll(this.#parts);
  }
  /** MPI_Win_flush_local: the origin buffers of operations to targetRank may be reused. */
  flushLocal(targetRank: number): Promise<void> {
    return passive.flushLocal(this.#parts, targetRank);
  }
  /** MPI_Win_flush_local_all. */
  flushLocalAll(): Promise<void> {
    return passive.flushLocalAll(this.#parts);
  }
  /** MPI_Win_sync: lets the event loop serve incoming operations once (memory is unified). */
  sync(): Promise<void> {
    return passive.sync(this.#parts);
  }

  /** MPI_Win_free (collective): ERR_RMA_SYNC inside an open epoch; waits until every member frees. */
  async free(): Promise<void> {
    await freeWindow(this.#parts);
    windowFreed(this);
  }

  /** One trace event of this window (nothing when the trace is off). */
  #trace(kind: "rma" | "epoch", op: string, target?: number, disp?: number): void {
    const window = this.#parts.core.name;
    traceEvent(
      kind,
      kind === "rma" ? { op, target, disp, window } : target === undefined ? { op, window } : { op, target, window },
    );
  }
}

/** PSCW's group: an mpi.Group becomes its world ranks (rma/groups.ts translates them); a rank list stays. */
function worldRanksOf(group: unknown): unknown {
  return group instanceof Group ? { members: groupMembers(group) } : group;
}
