// How the reduction algorithms combine data (MPI-4 §6.9): a Fold says how to combine two partial results
// (earlier ranks' on the left, as datatype/ops.ts requires, so non-commutative ops give the left fold over
// ranks 0..N-1), how a partial result travels, and how a received one is read back.
//  - ValueFold: value mode, any data applyOp takes; results are new values.
//  - ItemsFold: value mode with one item per rank (reduceScatter): item-wise applyOp over arrays.
//  - BytesFold: packed bytes of one basic or pair type (buffer mode, and value-mode TypedArrays under
//    predefined ops): applyOpInto writes the result into the later operand, copying it first when it is
//    the user's memory ("borrowed"), so user buffers are never written except the receive buffer.
import { applyOp, applyOpInto, type Datatype, type Op } from "../datatype/index.ts";
import { toPayload, fromPayload } from "../comm/payload.ts";
import { Encoding } from "../protocol.ts";
import type { Matched, Payload } from "./call.ts";

export interface Fold<T> {
  readonly op: Op;
  /** earlier op later (earlier = data of lower ranks); may reuse `later`'s storage when it owns it. */
  fold(earlier: T, later: T): T;
  payload(x: T): Payload;
  read(m: Matched): T;
}

export class ValueFold implements Fold<unknown> {
  constructor(
    readonly op: Op,
    private readonly opName: string,
  ) {}
  fold(earlier: unknown, later: unknown): unknown {
    return applyOp(this.op, earlier, later, this.opName);
  }
  payload(x: unknown): Payload {
    return toPayload(x, this.opName);
  }
  read(m: Matched): unknown {
    return fromPayload(m);
  }
}

export class ItemsFold implements Fold<unknown[]> {
  constructor(
    readonly op: Op,
    private readonly opName: string,
  ) {}
  fold(earlier: unknown[], later: unknown[]): unknown[] {
    return earlier.map((a, i) => applyOp(this.op, a, later[i], this.opName));
  }
  payload(x: unknown[]): Payload {
    return toPayload(x, this.opName);
  }
  read(m: Matched): unknown[] {
    return fromPayload(m) as unknown[];
  }
}

export class BytesFold implements Fold<Uint8Array> {
  private readonly borrowed = new Set<Uint8Array>();
  /** bytes of one packed element of the base type */
  readonly elementBytes: number;

  constructor(
    readonly op: Op,
    readonly base: Datatype,
    private readonly opName: string,
    /** encoding and signature the partial results travel with */
    private readonly enc: number = Encoding.BYTES,
    private readonly sig: number = 0,
  ) {
    this.elementBytes = base.size;
  }

  /** Marks bytes as the user's memory: never written by fold. */
  borrow(bytes: Uint8Array): Uint8Array {
    this.borrowed.add(bytes);
    return bytes;
  }

  fold(earlier: Uint8Array, later: Uint8Array): Uint8Array {
    const into = this.borrowed.has(later) ? new Uint8Array(later) : later;
    applyOpInto(this.op, earlier, into, this.base, this.opName);
    return into;
  }

  /** inout = in op inout on owned memory (commutative algorithms that work on a buffer in place). */
  foldInPlace(input: Uint8Array, inout: Uint8Array): void {
    applyOpInto(this.op, input, inout, this.base, this.opName);
  }

  payload(x: Uint8Array): Payload {
    return { enc: this.enc, sig: this.sig, bytes: x };
  }

  read(m: Matched): Uint8Array {
    return m.payload;
  }
}
