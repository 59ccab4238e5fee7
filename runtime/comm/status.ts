// MPI_Status (MPI-4 §3.2.5): source, tag and size of a received (or probed) message, whether a request
// was cancelled, and the count in items of a datatype (UNDEFINED when the bytes are not a whole number).
import { UNDEFINED } from "./constants.ts";

/** The part of a datatype Status needs: its size in bytes (derived datatypes report theirs). */
export interface SizedType {
  size: number;
}

export class Status {
  source = -1;
  tag = -1;
  /** Size of the message in bytes. */
  count = 0;
  cancelled = false;
  error = 0;

  /** Number of whole items of `datatype` in the message (MPI_Get_count), or UNDEFINED. */
  getCount(datatype?: SizedType): number {
    const size = datatype?.size ?? 1;
    if (size === 0) return this.count === 0 ? 0 : UNDEFINED;
    return this.count % size === 0 ? this.count / size : UNDEFINED;
  }

  /** Number of basic elements (MPI_Get_elements); for basic types equal to getCount. */
  getElements(datatype?: SizedType & { elementsIn?: (bytes: number) => number }): number {
    if (datatype?.elementsIn) return datatype.elementsIn(this.count);
    return this.getCount(datatype);
  }

  /** Copies another status into this one (used when a caller passes its own Status object). */
  assign(from: Status): this {
    this.source = from.source;
    this.tag = from.tag;
    this.count = from.count;
    this.cancelled = from.cancelled;
    this.error = from.error;
    return this;
  }
}
