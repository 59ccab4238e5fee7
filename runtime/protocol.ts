// tsmpi's protocol on one page: the kinds of the frames ranks exchange and their flags and payload encodings
// (the header's layout is wire/frame.ts), the CONTROL channels reserved for the runtime's own traffic, the
// kinds of a window's CONTROL frames, and the ranges of communicator context ids with the one allocator that
// hands them out (the collectives' communicator creation and the launcher's shrink). Part of the base layer:
// imports nothing, so the launcher may share it.

// ---- frames -------------------------------------------------------------------------------------

/** What a frame is (the header's `kind` byte). */
export const FrameKind = {
  HELLO: 1, // first frame of a connection: proves the job secret (payload: HMAC), id = sender's rank
  EAGER: 2, // a whole message: envelope + payload
  RTS: 3, // rendezvous request-to-send: envelope + size, no payload
  CTS: 4, // rendezvous clear-to-send: id = the RTS id being answered
  DATA: 5, // rendezvous payload: id = the RTS id
  ACK: 6, // a synchronous-mode eager message was matched: id = its id
  CREDIT: 7, // flow control: `size` more eager bytes may be sent
  CONTROL: 8, // runtime-internal message on a channel (the header's context field), outside matching
} as const;
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

export const FrameFlag = {
  SYNC: 1, // synchronous send: the receiver acknowledges the match
} as const;

/** Payload encodings (the `enc` byte). Values 16+ are top-level TypedArrays (see wire/value.ts). */
export const Encoding = {
  NONE: 0,
  MSGPACK: 1, // a value-mode message: msgpack with structured clone
  BYTES: 2, // a buffer-mode message of one basic element type: `sig` is its type code
  BYTES_MIXED: 3, // a buffer-mode message mixing basic types: `sig` is the signature hash
} as const;

// ---- CONTROL channels (the context field of a CONTROL frame) --------------------------------------

/** The diagnostics' clock exchange of a trace (trace/tracer.ts). */
export const TRACE_CLOCK_CHANNEL = 0x3fff0001;
/** Where each unreceived message was sent from, for the finalize report (trace/leftovers.ts). */
export const SEND_SITES_CHANNEL = 0x3fff0002;
/**
 * One-sided windows: each member of a window receives the window's frames on a channel of this range that it
 * picked itself, free on its process, and told the others in the window's creation exchange (rma/channels.ts).
 */
export const WINDOW_CHANNELS = { first: 0x40000000, end: 0x80000000 } as const;
/** Revocations of communicators (ULFM, comm/fault.ts). */
export const REVOKE_CHANNEL = 0xfffffff0;
/** The step-wide abort of a Slurm step started without tsrun (boot/pmi-boot.ts). */
export const STEP_ABORT_CHANNEL = 0xfffffff1;
/** Context of runtime-internal traffic that is not user messages (left out of the unreceived-message report). */
export const CONTROL_CONTEXT = 0xffffffff;

/** Kinds of a window's CONTROL frames (the frame's tag). Origin → target unless said otherwise. */
export const WindowMsg = {
  PUT: 1,
  GET: 2,
  ACC: 3,
  GET_ACC: 4,
  CAS: 6,
  FLUSH: 7, // answered once every earlier frame of this origin is applied
  LOCK: 8, // answered when granted
  UNLOCK: 9, // answered once released
  FENCE: 10, // this origin's frames of the fence epoch are all sent
  COMPLETE: 11, // PSCW: this origin's access epoch on the target ended
  FREE: 12, // this rank called free(): no more frames from it on this window
  REPLY: 20, // target → origin: the answer to an opId (data, old values, or nothing)
  POST: 21, // target → origin: PSCW exposure epoch opened for the origin
} as const;

/** Frames a target handles in order per origin (and may defer); the others are answers to an origin. */
export function isOriginToTarget(kind: number): boolean {
  return kind < WindowMsg.REPLY;
}

/** Flag bit of an origin → target window frame: issued in a passive-target (lock) epoch. */
export const FLAG_PASSIVE = 1;

// ---- communicator context ids --------------------------------------------------------------------
// A communicator has two contexts: `context` (even) for point-to-point and `context + 1` for collectives.

/** COMM_WORLD's context. */
export const WORLD_CONTEXT = 0;
/** COMM_SELF's context. */
export const SELF_CONTEXT = 2;

/** A range of context ids, [first, end): `first` even. */
export interface ContextRange {
  readonly first: number;
  readonly end: number;
}

/** Communicators created collectively (dup, split, create, createCart…): agreed among their members. */
export const COMMUNICATOR_CONTEXTS: ContextRange = { first: 4, end: 1 << 24 };
/** Communicators made by shrink: handed out by the launcher, which sees every rank. */
export const SHRUNK_CONTEXTS: ContextRange = { first: 1 << 24, end: 2 ** 31 };

/**
 * Hands out context pairs from a range. Alone (the launcher's shrink) it is a counter; among the members of
 * a new communicator each offers its next free id, they agree on the largest offer and record it with agree(),
 * so two communicators that share a process never share a context. An offer is reserved as soon as it is
 * made, so creations started back to back on one process offer different ids.
 */
export class ContextIds {
  private nextFree: number;

  constructor(private readonly range: ContextRange) {
    this.nextFree = range.first;
  }

  /** The next free context pair of the range, reserved at once. */
  offer(): number {
    if (this.nextFree + 2 > this.range.end) {
      throw new RangeError(
        `tsmpi: no communicator context id left in [${this.range.first}, ${this.range.end}): too many communicators were created`,
      );
    }
    const offer = this.nextFree;
    this.nextFree += 2;
    return offer;
  }

  /** Records the context the members agreed on: this process never offers it, or anything below it, again. */
  agree(context: number): void {
    this.nextFree = Math.max(this.nextFree, context + 2);
  }
}
