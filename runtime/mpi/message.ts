// class Message (MPI_Message, MPI-4 §3.8.2): a message that comm.mprobe/improbe took out of matching, so
// that only this handle can receive it (no other receive, even with ANY_SOURCE, can take it first):
// recv() is MPI_Mrecv, irecv() MPI_Imrecv, in value mode or into a buffer spec.
import { fromPayload, intoSpec } from "../comm/payload.ts";
import { blocking } from "../trace/activity.ts";
import type { BufSpec } from "../datatype/index.ts";
import type { Matched } from "../comm/engine.ts";
import type { Status } from "./status.ts";
import { startRequest, type Request } from "./request.ts";

let make: (matched: Promise<Matched>, probed: Status) => Message;

export class Message {
  /** The sender's rank in the communicator probed. */
  readonly source: number;
  readonly tag: number;
  /** Size of the message in bytes. */
  readonly count: number;
  readonly #matched: Promise<Matched>;

  private constructor(matched: Promise<Matched>, probed: Status) {
    this.#matched = matched;
    this.source = probed.source;
    this.tag = probed.tag;
    this.count = probed.count;
  }

  static {
    make = (matched, probed) => new Message(matched, probed);
  }

  /** MPI_Mrecv in value mode (or into a buffer spec): resolves with the value (or the spec's array). */
  recv<T = unknown>(status?: Status, spec?: BufSpec): Promise<T> {
    const received = this.#matched.then((m) => {
      if (status) Object.assign(status, { source: this.source, tag: this.tag, count: m.size });
      if (!spec) return fromPayload(m);
      intoSpec(m, spec, "Message.recv");
      return spec.array;
    });
    return blocking<unknown>(received, "Message.recv()") as Promise<T>;
  }

  /** MPI_Imrecv: the receive as a request. */
  irecv(spec?: BufSpec): Request {
    return startRequest((status) => this.recv(status, spec), `Message.irecv(source=${this.source}, tag=${this.tag})`);
  }
}

/** The Message of a probed message (`probed` is the probe's status), received through `matched`. */
export function newMessage(matched: Promise<Matched>, probed: Status): Message {
  return make(matched, probed);
}
