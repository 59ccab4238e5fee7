// class Win: an MPI window (MPI-4 chapter 12), memory of each member of a communicator that the others
// may read and write with one-sided calls. Creation and free() are collective. The calls themselves live
// in access.ts (put, get, accumulate, …), sync-active.ts (fence, PSCW) and sync-passive.ts (locks,
// flushes); the frames go through origin.ts and target.ts on the window's own CONTROL channel.
//
// Passive target and progress: a target serves its window on its event loop while its program awaits
// anything. A target that spins in a synchronous loop serves nothing until it awaits again (as MPI with
// no asynchronous progress thread): put `await new Promise(setImmediate)` or `await win.sync()` in it.
import { windowCreated, windowFreed } from "../trace/leftovers.ts";
import { traceEvent } from "../trace/tracer.ts";
import { mpiError } from "../errors.ts";
import { Comm } from "../comm/communicator.ts";
import { Group } from "../collectives/group.ts";
import { toPayload, fromPayload } from "../comm/payload.ts";
import { Datatype, SUM, codeOfArray, type BufferView, type Op } from "../datatype/index.ts";
import { nextWindowChannel } from "./constants.ts";
import { WinCore, type PeerWindow, type WinParts } from "./core.ts";
import { EpochState } from "./epoch.ts";
import { Origin } from "./origin.ts";
import { Target } from "./target.ts";
import * as access from "./access.ts";
import * as active from "./sync-active.ts";
import * as passive from "./sync-passive.ts";
import { WindowMsg } from "../protocol.ts";

/** Tag of the creation exchange on the communicator's collective context when it has no allgather. */
const WIN_CREATE_TAG = -0x524d41;
const channelsInUse = new Set<number>();
let windowsMade = 0;

/** Every member's {bytes, dispUnit, code}: the communicator's allgather, or a direct exchange. */
async function exchange(comm: Comm, mine: PeerWindow): Promise<PeerWindow[]> {
  const c = comm as Comm & { allgather?: (v: unknown) => Promise<unknown[]> };
  if (typeof c.allgather === "function") return (await c.allgather(mine)) as PeerWindow[];
  const payload = toPayload(mine, "Win.create");
  const sends: Promise<void>[] = [];
  for (let r = 0; r < comm.size; r++) if (r !== comm.rank) sends.push(comm.sendPayload(payload, r, WIN_CREATE_TAG, comm.collContext));
  const all: PeerWindow[] = [];
  for (let r = 0; r < comm.size; r++) {
    all[r] = r === comm.rank ? mine : (fromPayload((await comm.recvMatched(r, WIN_CREATE_TAG, comm.collContext))!) as PeerWindow);
  }
  await Promise.all(sends);
  return all;
}

export class Win {
  /** the window's memory on this rank: the array given to create(), or the one allocate() made */
  readonly memory: BufferView;
  readonly comm: Comm;
  /** displacement unit of this rank's window, in bytes */
  readonly dispUnit: number;
  private readonly parts: WinParts;

  private constructor(memory: BufferView, parts: WinParts, dispUnit: number) {
    this.memory = memory;
    this.parts = parts;
    this.comm = parts.core.comm;
    this.dispUnit = dispUnit;
  }

  /** MPI_Win_create (collective): exposes `array`; displacements count `dispUnit` bytes (default: its element size). */
  static async create(array: BufferView, comm: Comm, options: { dispUnit?: number } = {}): Promise<Win> {
    const op = "Win.create";
    const code = codeOfArray(array);
    if (code === undefined) throw mpiError("ERR_ARG", op, "the window memory must be a TypedArray or a DataView", { measured: array === null ? "null" : typeof array, expected: "a TypedArray (Float64Array, Int32Array, …) or a DataView" });
    if (!(comm instanceof Comm) || comm.rank < 0) throw mpiError("ERR_COMM", op, "not a communicator this rank belongs to", { hint: "Pass mpi.COMM_WORLD or a communicator returned by init(), dup() or split()" });
    const dispUnit = options.dispUnit ?? (array instanceof DataView ? 1 : array.BYTES_PER_ELEMENT);
    if (!Number.isSafeInteger(dispUnit) || dispUnit <= 0) throw mpiError("ERR_ARG", op, "dispUnit must be a positive integer", { measured: dispUnit, expected: "> 0" });
    const channel = nextWindowChannel(comm);
    if (channelsInUse.has(channel)) throw mpiError("ERR_WIN", op, "too many windows alive on this communicator", { measured: "65536 or more", hint: "Free windows you no longer use" });
    const core = new WinCore(comm, channel, new Uint8Array(array.buffer, array.byteOffset, array.byteLength), `window ${++windowsMade} on ${comm.name}`);
    const epoch = new EpochState();
    const origin = new Origin(core);
    const target = new Target(core, origin);
    channelsInUse.add(channel);
    core.deliverLocally = (source, kind, payload) => target.onFrame(source, kind, payload);
    core.engine.onControl(channel, (source, frame) => target.onFrame(source, frame.tag, frame.payload));
    core.peers = await core.blocking(exchange(comm, { bytes: array.byteLength, dispUnit, code }), "Win.create", core.everyone());
    const win = new Win(array, { core, origin, target, epoch }, dispUnit);
    windowCreated(win, `Win.create(${array.byteLength} bytes) on ${comm.name}`);
    return win;
  }

  /**
   * MPI_Win_allocate (collective): a window of `count` items of `datatype`, zeroed, in `win.memory` (an array of
   * the type's basic element, or bytes for a type that mixes several). Displacements count items of the type.
   */
  static async allocate(count: number, datatype: Datatype, comm: Comm, options: { dispUnit?: number } = {}): Promise<Win> {
    const op = `Win.allocate(${count}, ${datatype?.name})`;
    if (!(datatype instanceof Datatype)) throw mpiError("ERR_TYPE", op, "datatype is not a Datatype", { measured: typeof datatype, expected: "mpi.FLOAT64, mpi.INT32, …" });
    datatype.assertUsable(op);
    if (!Number.isSafeInteger(count) || count < 0) throw mpiError("ERR_COUNT", op, "count must be a non-negative integer", { measured: count, expected: ">= 0" });
    const bytes = count * datatype.extent;
    const Element = datatype.reductionBase?.arrayType ?? Uint8Array;
    const memory = bytes % Element.BYTES_PER_ELEMENT === 0 ? new Element(bytes / Element.BYTES_PER_ELEMENT) : new Uint8Array(bytes);
    return Win.create(memory, comm, { dispUnit: options.dispUnit ?? Math.max(1, datatype.extent) });
  }

  /** Bytes of this rank's window (MPI_WIN_SIZE). */
  get bytes(): number {
    return this.memory.byteLength;
  }

  /** The group of the window's communicator (MPI_Win_get_group). */
  get group(): Group {
    return new Group(this.comm.members, this.comm.world.rank);
  }

  // ---- communication (access.ts) --------------------------------------------------------------

  /** MPI_Put: origin (a TypedArray or mpi.buf spec) → target's window at targetDisp; complete at the closing synchronisation. */
  put(origin: unknown, targetRank: number, targetDisp = 0, targetType?: Datatype, targetCount?: number): void {
    traceEvent("rma", { op: "put", target: targetRank, disp: targetDisp, window: this.parts.core.name });
    access.put(this.parts, origin, targetRank, targetDisp, targetType, targetCount);
  }

  /** MPI_Get: target's window → originInto; the data is there after the closing synchronisation. */
  get(originInto: unknown, targetRank: number, targetDisp = 0, targetType?: Datatype, targetCount?: number): void {
    traceEvent("rma", { op: "get", target: targetRank, disp: targetDisp, window: this.parts.core.name });
    access.get(this.parts, originInto, targetRank, targetDisp, targetType, targetCount);
  }

  /** MPI_Accumulate: target = origin op target, element-wise and atomic per element (op predefined, or REPLACE). */
  accumulate(origin: unknown, targetRank: number, targetDisp = 0, op: Op = SUM, targetType?: Datatype, targetCount?: number): void {
    traceEvent("rma", { op: "accumulate", target: targetRank, disp: targetDisp, window: this.parts.core.name });
    access.accumulate(this.parts, origin, targetRank, targetDisp, op, targetType, targetCount);
  }

  /** MPI_Get_accumulate: result = old target; target = origin op target (NO_OP: an atomic read, origin may be null). */
  getAccumulate(origin: unknown, result: unknown, targetRank: number, targetDisp = 0, op: Op = SUM, targetType?: Datatype, targetCount?: number): void {
    traceEvent("rma", { op: "getAccumulate", target: targetRank, disp: targetDisp, window: this.parts.core.name });
    access.getAccumulate(this.parts, origin, result, targetRank, targetDisp, op, targetType, targetCount);
  }

  /** MPI_Fetch_and_op on one element (of the target window's type, or `datatype`): resolves with the old value. */
  fetchAndOp(value: number | bigint | null, targetRank: number, targetDisp = 0, op: Op = SUM, datatype?: Datatype): Promise<number | bigint | undefined> {
    traceEvent("rma", { op: "fetchAndOp", target: targetRank, disp: targetDisp, window: this.parts.core.name });
    return access.fetchAndOp(this.parts, value, targetRank, targetDisp, op, datatype);
  }

  /** MPI_Compare_and_swap: the element becomes `value` if it equals `compare`; resolves with the old value. */
  compareAndSwap(value: number | bigint, compare: number | bigint, targetRank: number, targetDisp = 0, datatype?: Datatype): Promise<number | bigint | undefined> {
    traceEvent("rma", { op: "compareAndSwap", target: targetRank, disp: targetDisp, window: this.parts.core.name });
    return access.compareAndSwap(this.parts, value, compare, targetRank, targetDisp, datatype);
  }

  // ---- active target (sync-active.ts) --------------------------------------------------------

  /** MPI_Win_fence (collective): completes the operations of the epoch and opens the next (not with MODE_NOSUCCEED). */
  fence(assert = 0): Promise<void> {
    traceEvent("epoch", { op: "fence", window: this.parts.core.name });
    return active.fence(this.parts, assert);
  }
  /** MPI_Win_post: exposes this window to the origins of `group` (ranks or an mpi.Group). */
  post(group: unknown, assert = 0): Promise<void> {
    traceEvent("epoch", { op: "post", window: this.parts.core.name });
    return active.post(this.parts, group, assert);
  }
  /** MPI_Win_start: access epoch on the targets of `group`, once each has posted. */
  start(group: unknown, assert = 0): Promise<void> {
    traceEvent("epoch", { op: "start", window: this.parts.core.name });
    return active.start(this.parts, group, assert);
  }
  /** MPI_Win_complete: ends the access epoch; its operations are complete at the origin. */
  complete(): Promise<void> {
    traceEvent("epoch", { op: "complete", window: this.parts.core.name });
    return active.complete(this.parts);
  }
  /** MPI_Win_wait: ends the exposure epoch once every origin has completed. */
  wait(): Promise<void> {
    traceEvent("epoch", { op: "wait", window: this.parts.core.name });
    return active.wait(this.parts);
  }
  /** MPI_Win_test: wait() without blocking; true once the exposure epoch ended. */
  test(): boolean {
    return active.test(this.parts);
  }

  // ---- passive target (sync-passive.ts) ------------------------------------------------------

  /** MPI_Win_lock: passive-target epoch on targetRank (LOCK_EXCLUSIVE by default, or LOCK_SHARED). */
  lock(targetRank: number, lockType?: number, assert = 0): Promise<void> {
    traceEvent("epoch", { op: "lock", target: targetRank, window: this.parts.core.name });
    return passive.lock(this.parts, targetRank, lockType, assert);
  }
  /** MPI_Win_unlock: completes the epoch's operations at origin and target, then releases the lock. */
  unlock(targetRank: number): Promise<void> {
    traceEvent("epoch", { op: "unlock", target: targetRank, window: this.parts.core.name });
    return passive.unlock(this.parts, targetRank);
  }
  /** MPI_Win_lock_all: a shared lock on every member. */
  lockAll(assert = 0): Promise<void> {
    traceEvent("epoch", { op: "lockAll", window: this.parts.core.name });
    return passive.lockAll(this.parts, assert);
  }
  unlockAll(): Promise<void> {
    traceEvent("epoch", { op: "unlockAll", window: this.parts.core.name });
    return passive.unlockAll(this.parts);
  }
  /** MPI_Win_flush: completes the operations to targetRank at origin and target, keeping the lock. */
  flush(targetRank: number): Promise<void> {
    traceEvent("epoch", { op: "flush", target: targetRank, window: this.parts.core.name });
    return passive.flush(this.parts, targetRank);
  }
  flushAll(): Promise<void> {
    traceEvent("epoch", { op: "flushAll", window: this.parts.core.name });
    return passive.flushAll(this.parts);
  }
  /** MPI_Win_flush_local: the origin buffers of operations to targetRank may be reused. */
  flushLocal(targetRank: number): Promise<void> {
    return passive.flushLocal(this.parts, targetRank);
  }
  flushLocalAll(): Promise<void> {
    return passive.flushLocalAll(this.parts);
  }
  /** MPI_Win_sync: lets the event loop serve incoming operations once (memory is unified). */
  sync(): Promise<void> {
    return passive.sync(this.parts);
  }

  /** MPI_Win_free (collective): ERR_RMA_SYNC inside an open epoch; waits until every member frees. */
  async free(): Promise<void> {
    const { core, origin, target, epoch } = this.parts;
    const op = "free()";
    access.checkOpen(this.parts, op);
    epoch.checkClosed(op);
    for (let r = 0; r < core.size; r++) origin.notify(r, WindowMsg.FREE);
    await core.waitFor(() => target.freesArrived >= core.size && origin.pendingAnswers() === 0, () => "win.free()", core.everyone());
    core.freed = true;
    core.engine.onControl(core.channel, null);
    channelsInUse.delete(core.channel);
    windowFreed(this);
  }
}
