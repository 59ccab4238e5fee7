// One collective call's messaging (MPI-4 §6.1: collectives are separate from point-to-point traffic).
// Every message goes on the communicator's collective context (comm.collContext), so it never matches a
// user's send or receive whatever tags the user picks, and carries the call's tag, made from the
// communicator's collective sequence number, so consecutive and nonblocking collectives never mix.
// Within one call, messages between two ranks are matched in the order sent (non-overtaking).
import type { CommCore } from "../comm/communicator.ts";
import type { Matched } from "../comm/engine.ts";
import type { Payload } from "../comm/payload.ts";

export type { Payload, Matched };

/** A message with no data (barrier tokens). */
export const EMPTY: Payload = { enc: 0, sig: 0, bytes: new Uint8Array(0) };

export class CollCall {
  readonly rank: number;
  readonly size: number;
  /** Set for a blocking call (not a nonblocking i… one): it may hold this rank's shared slab (shared.ts). */
  blocking = false;

  constructor(
    readonly comm: CommCore,
    /** the tag of this call's messages on comm.collContext */
    readonly tag: number,
    /** the call as users wrote it, for error texts, e.g. "bcast(root=0)" */
    readonly op: string,
  ) {
    this.rank = comm.rank;
    this.size = comm.size;
  }

  /** Sends to a rank of the communicator; resolves when the payload's memory may be reused. */
  send(p: Payload, dest: number): Promise<void> {
    return this.comm.sendPayload(p, dest, this.tag, this.comm.collContext);
  }

  /**
   * Receives this call's next message from a rank of the communicator. The payload comes back as a plain
   * Uint8Array (the transport hands out Node Buffers, whose slice() does not copy).
   */
  async recv(source: number): Promise<Matched> {
    const m = (await this.comm.recvMatched(source, this.tag, this.comm.collContext))!;
    if (Buffer.isBuffer(m.payload))
      m.payload = new Uint8Array(m.payload.buffer, m.payload.byteOffset, m.payload.byteLength);
    return m;
  }

  /** Sends to `dest` and receives from `source` at once. */
  async sendrecv(p: Payload, dest: number, source: number): Promise<Matched> {
    const [, m] = await Promise.all([this.send(p, dest), this.recv(source)]);
    return m;
  }
}

/** The payload of a matched message, as a payload to forward or decode. */
export function payloadOf(m: Matched): Payload {
  return { enc: m.enc, sig: m.sig, bytes: m.payload };
}

/** A matched-message view of a payload (what fromPayload/intoSpec take). */
export function matchedOf(p: Payload, source = -1): Matched {
  return { source, tag: 0, enc: p.enc, sig: p.sig, size: p.bytes.byteLength, payload: p.bytes };
}
