// class Status (MPI_Status, MPI-4 §3.2.5): source, tag and size of a received (or probed) message, whether
// a request was cancelled, and the count in items of a datatype (UNDEFINED when the bytes are not a whole
// number of items).
import { getCount, getElements, type Datatype } from "../datatype/index.ts";

export class Status {
  source = -1;
  tag = -1;
  /** Size of the message in bytes. */
  count = 0;
  cancelled = false;
  error = 0;

  /** Number of whole items of `datatype` in the message (MPI_Get_count), or UNDEFINED; bytes without a type. */
  getCount(datatype?: Datatype): number {
    return datatype ? getCount(this.count, datatype) : this.count;
  }

  /** Number of basic elements of `datatype` received (MPI_Get_elements), or UNDEFINED. */
  getElements(datatype?: Datatype): number {
    return datatype ? getElements(this.count, datatype) : this.count;
  }

  /** Copies another status into this one (as mpi4py's Status(status)). */
  assign(from: Status): this {
    this.source = from.source;
    this.tag = from.tag;
    this.count = from.count;
    this.cancelled = from.cancelled;
    this.error = from.error;
    return this;
  }
}
