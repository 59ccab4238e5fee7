// The origin side of a window (MPI-4 §12.3, §12.4): builds the frames of put, get, accumulate,
// getAccumulate, compareAndSwap and of the synchronisation requests, sends them to the target in order,
// and keeps the operations that wait for an answer (gets, fetches, flush/lock/unlock) until the REPLY
// arrives. The data of put/accumulate is copied into the frame at the call, so the origin buffer may be
// reused at once; get results are written into the origin buffer when the REPLY lands, which is before
// the closing synchronisation returns (that waits for every answer).
import {
  MAXLOC,
  MINLOC,
  NO_OP,
  REPLACE,
  SUM,
  PROD,
  MAX,
  MIN,
  LAND,
  LOR,
  LXOR,
  BAND,
  BOR,
  BXOR,
  type Op,
} from "../datatype/index.ts";
import { WindowMsg } from "../protocol.ts";
import { Reader, Writer, layoutBytes, type TargetLayout } from "./codec.ts";
import type { WinCore } from "./core.ts";

/** Predefined ops by wire code (MPI forbids user ops in one-sided accumulates). */
export const OPS_BY_CODE: ReadonlyArray<Op> = [
  SUM,
  PROD,
  MAX,
  MIN,
  LAND,
  LOR,
  LXOR,
  BAND,
  BOR,
  BXOR,
  MAXLOC,
  MINLOC,
  REPLACE,
  NO_OP,
];

interface Pending {
  target: number;
  onReply: (data: Uint8Array) => void;
}

export class Origin {
  private nextOpId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly pendingPerTarget: number[];
  /** POST notifications received, by target (PSCW), not yet consumed by start() */
  readonly postsFrom: number[];
  /** targets this rank sent operations to since their last flush/unlock/fence */
  readonly touched = new Set<number>();

  constructor(private readonly core: WinCore) {
    this.pendingPerTarget = new Array(core.size).fill(0);
    this.postsFrom = new Array(core.size).fill(0);
  }

  /** Answers still awaited from `target` (all targets when omitted). */
  pendingAnswers(target?: number): number {
    return target === undefined ? this.pending.size : this.pendingPerTarget[target];
  }

  private frame(flags: number, opId: number, rest: number): Writer {
    return Writer.originFrame({ round: this.core.fencesEntered, flags, opId }, rest);
  }

  private track(target: number, onReply: (data: Uint8Array) => void): number {
    const opId = this.nextOpId++;
    if (this.nextOpId > 0xffffffff) this.nextOpId = 1;
    this.pending.set(opId, { target, onReply });
    this.pendingPerTarget[target]++;
    return opId;
  }

  private expect(target: number): { opId: number; answer: Promise<Uint8Array> } {
    let resolve!: (d: Uint8Array) => void;
    const answer = new Promise<Uint8Array>((r) => (resolve = r));
    return { opId: this.track(target, resolve), answer };
  }

  put(target: number, flags: number, layout: TargetLayout, data: Uint8Array): void {
    const w = this.frame(flags, 0, layoutBytes(layout) + data.byteLength)
      .layout(layout)
      .data(data);
    this.touched.add(target);
    this.core.send(target, WindowMsg.PUT, w.bytes);
  }

  get(target: number, flags: number, layout: TargetLayout, land: (data: Uint8Array) => void): void {
    const opId = this.track(target, land);
    this.touched.add(target);
    this.core.send(target, WindowMsg.GET, this.frame(flags, opId, layoutBytes(layout)).layout(layout).bytes);
  }

  accumulate(target: number, flags: number, layout: TargetLayout, op: Op, code: number, data: Uint8Array): void {
    const w = this.frame(flags, 0, layoutBytes(layout) + 2 + data.byteLength);
    w.layout(layout).u8(OPS_BY_CODE.indexOf(op)).u8(code).data(data);
    this.touched.add(target);
    this.core.send(target, WindowMsg.ACC, w.bytes);
  }

  /** getAccumulate / fetchAndOp: `land` gets the target's previous contents, packed. */
  getAccumulate(
    target: number,
    flags: number,
    layout: TargetLayout,
    op: Op,
    code: number,
    data: Uint8Array,
    land: (old: Uint8Array) => void,
  ): void {
    const opId = this.track(target, land);
    const w = this.frame(flags, opId, layoutBytes(layout) + 2 + data.byteLength);
    w.layout(layout).u8(OPS_BY_CODE.indexOf(op)).u8(code).data(data);
    this.touched.add(target);
    this.core.send(target, WindowMsg.GET_ACC, w.bytes);
  }

  /** compareAndSwap: resolves with the target's previous element. */
  compareAndSwap(
    target: number,
    flags: number,
    offset: number,
    code: number,
    value: Uint8Array,
    compare: Uint8Array,
  ): Promise<Uint8Array> {
    const { opId, answer } = this.expect(target);
    const w = this.frame(flags, opId, 8 + 1 + 2 * value.byteLength)
      .f64(offset)
      .u8(code)
      .data(value)
      .data(compare);
    this.touched.add(target);
    this.core.send(target, WindowMsg.CAS, w.bytes);
    return answer;
  }

  /** A request the target answers once it has applied every earlier frame of this origin (FLUSH, LOCK, UNLOCK). */
  request(target: number, kind: number, flags: number, lockType = 0): Promise<Uint8Array> {
    const { opId, answer } = this.expect(target);
    this.core.send(target, kind, this.frame(flags, opId, 1).u8(lockType).bytes);
    return answer;
  }

  /** A notification with no answer (COMPLETE, FREE), in order after this origin's operations. */
  notify(target: number, kind: number): void {
    this.core.send(target, kind, this.frame(0, 0, 0).bytes);
  }

  /** FENCE of round `round` to every member: gated at round - 1 (see target.ts). */
  fence(round: number): void {
    const w = Writer.originFrame({ round: round - 1, flags: 0, opId: 0 }, 0);
    for (let r = 0; r < this.core.size; r++) this.core.send(r, WindowMsg.FENCE, w.bytes);
    this.touched.clear();
  }

  /** Handles a target → origin frame (REPLY, POST). */
  onAnswer(source: number, kind: number, payload: Uint8Array): void {
    if (kind === WindowMsg.POST) {
      this.postsFrom[source]++;
      return;
    }
    const reader = new Reader(payload);
    const opId = reader.u32();
    const p = this.pending.get(opId);
    if (!p) return;
    this.pending.delete(opId);
    this.pendingPerTarget[p.target]--;
    p.onReply(reader.data());
  }
}
