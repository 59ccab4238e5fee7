// The target side of a window (MPI-4 §12.3–§12.5, "passive target" included): every frame of the
// window's channel arrives here, on this rank's event loop, whatever the program is doing — as long as
// it awaits something. A program that spins in a synchronous loop (while (!flag) {}) never returns to
// the event loop, so nothing is served: origins locking or accessing this window wait until it awaits
// again (as MPI without an asynchronous progress thread). Await anything — a tsmpi call, a timer,
// `await new Promise(setImmediate)` or `await win.sync()` — inside such loops.
//
// Frames from one origin are applied in the order sent, one at a time, so accumulates are atomic per
// element. A frame waits in its origin's inbox (and so does every later frame of that origin) when
//  - it belongs to a fence round this target has not finished receiving (its round > rounds complete here:
//    an origin that left fence k may reach a target that still expects fence-k frames from a slower one), or
//  - it was issued under a lock this origin does not hold yet (lock requests are not awaited by the origin).
import { ErrorCode, MpiError } from "../errors.ts";
import { FLAG_PASSIVE, WindowMsg, isOriginToTarget } from "../protocol.ts";
import { Reader, Writer, type OriginHeader } from "./codec.ts";
import { combineInto, gatherFrom, scatterInto } from "./layout.ts";
import { LockQueue } from "./lock-queue.ts";
import { OPS_BY_CODE, type Origin } from "./origin.ts";
import type { WinCore } from "./core.ts";

interface Deferred {
  kind: number;
  header: OriginHeader;
  body: Reader;
}

export class Target {
  readonly locks = new LockQueue();
  /** COMPLETE notifications received, by origin (PSCW), not yet consumed by wait()/test() */
  readonly completesFrom: number[];
  /** members whose FREE arrived */
  freesArrived = 0;
  private fenceArrivals = 0;
  private readonly inboxes: Deferred[][];
  private deferredCount = 0;

  constructor(
    private readonly core: WinCore,
    private readonly origin: Origin,
  ) {
    this.completesFrom = new Array(core.size).fill(0);
    this.inboxes = Array.from({ length: core.size }, () => []);
  }

  /** The CONTROL handler of the window's channel. */
  onFrame(sourceWorld: number, kind: number, payload: Uint8Array): void {
    const source = this.core.comm.localRank(sourceWorld);
    if (source < 0) return;
    try {
      if (!isOriginToTarget(kind)) {
        this.origin.onAnswer(source, kind, payload);
      } else {
        const body = new Reader(payload);
        const d: Deferred = { kind, header: body.originHeader(), body };
        const inbox = this.inboxes[source];
        if (inbox.length || !this.canApply(source, d)) {
          inbox.push(d);
          this.deferredCount++;
        } else {
          this.apply(source, d);
          if (this.deferredCount) this.drain();
        }
      }
    } catch (err) {
      const text =
        err instanceof MpiError ? err.message : `one-sided frame from rank ${source} failed: ${(err as Error).message}`;
      this.core.comm.world.fatal(`${this.core.name}: ${text}`);
    }
    this.core.wake();
  }

  /** Frames deferred in inboxes (for diagnostics). */
  get deferred(): number {
    return this.deferredCount;
  }

  private canApply(source: number, d: Deferred): boolean {
    if (d.header.round > this.core.fencesCompleteHere) return false;
    return (d.header.flags & FLAG_PASSIVE) === 0 || this.locks.holds(source);
  }

  /** Applies deferred frames whose condition now holds, until none can move. */
  private drain(): void {
    let moved = true;
    while (moved && this.deferredCount) {
      moved = false;
      for (let source = 0; source < this.inboxes.length; source++) {
        const inbox = this.inboxes[source];
        while (inbox.length && this.canApply(source, inbox[0])) {
          this.deferredCount--;
          this.apply(source, inbox.shift()!);
          moved = true;
        }
      }
    }
  }

  private reply(source: number, opId: number, data?: Uint8Array): void {
    const w = new Writer(4 + (data?.byteLength ?? 0)).u32(opId);
    if (data) w.data(data);
    this.core.send(source, WindowMsg.REPLY, w.bytes);
  }

  private apply(source: number, d: Deferred): void {
    const { body, header } = d;
    const memory = this.core.memory;
    switch (d.kind) {
      case WindowMsg.PUT: {
        const layout = body.layout();
        return scatterInto(memory, layout, body.data(layout.bytes));
      }
      case WindowMsg.GET: {
        const layout = body.layout();
        const w = new Writer(4 + layout.bytes).u32(header.opId);
        gatherFrom(memory, layout, w.bytes.subarray(4)); // straight into the reply
        return this.core.send(source, WindowMsg.REPLY, w.bytes);
      }
      case WindowMsg.ACC:
      case WindowMsg.GET_ACC: {
        const layout = body.layout();
        const op = OPS_BY_CODE[body.u8()];
        const code = body.u8();
        const wantOld = d.kind === WindowMsg.GET_ACC;
        const old = combineInto(
          memory,
          layout,
          body.data(layout.bytes),
          op,
          code,
          wantOld,
          `accumulate from rank ${source}`,
        );
        if (wantOld) this.reply(source, header.opId, old!);
        return;
      }
      case WindowMsg.CAS:
        return this.reply(source, header.opId, this.compareAndSwap(memory, body));
      case WindowMsg.FLUSH:
        return this.reply(source, header.opId);
      case WindowMsg.LOCK:
        return this.locks.request(source, body.u8(), () => this.reply(source, header.opId));
      case WindowMsg.UNLOCK:
        this.locks.release(source);
        return this.reply(source, header.opId);
      case WindowMsg.FENCE:
        return this.fenceArrived();
      case WindowMsg.COMPLETE:
        this.completesFrom[source]++;
        return;
      case WindowMsg.FREE:
        this.freesArrived++;
        return;
      default:
        throw new MpiError(ErrorCode.ERR_PROTOCOL, `unknown one-sided frame kind ${d.kind} from rank ${source}`);
    }
  }

  private compareAndSwap(memory: Uint8Array, body: Reader): Uint8Array {
    const offset = body.f64();
    body.u8(); // element code: the comparison is on the element's bytes
    const rest = body.data();
    const n = rest.byteLength / 2;
    const value = rest.subarray(0, n);
    const compare = rest.subarray(n);
    const old = memory.slice(offset, offset + n);
    if (old.byteLength !== n)
      throw new MpiError(
        ErrorCode.ERR_RMA_RANGE,
        `compareAndSwap at byte ${offset} is outside the window of ${memory.byteLength} bytes`,
      );
    let equal = true;
    for (let i = 0; i < n && equal; i++) equal = old[i] === compare[i];
    if (equal) memory.set(value, offset);
    return old;
  }

  /** A FENCE arrived (they arrive only for the round after the last complete one: see the gate). */
  private fenceArrived(): void {
    if (++this.fenceArrivals < this.core.size) return;
    this.fenceArrivals = 0;
    this.core.fencesCompleteHere++;
  }
}
