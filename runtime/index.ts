/// <reference types="node" />
// tsmpi's public API (docs/api.md): `import * as mpi from "tsmpi"`.
// Names follow mpi4py in camelCase; an operation that blocks in MPI returns a Promise here.
// This file only gathers and re-exports, by name: what users get is listed here and nowhere else (a test pins
// the list, test/unit/public-api.test.ts); each piece lives in its layer.
import * as os from "node:os";
import type { World } from "./comm/world.ts";
import { startWorld } from "./boot/start.ts";
import { CommCore } from "./comm/communicator.ts";
import { Intracomm, newIntracomm } from "./mpi/intracomm.ts";
import { validateForcedAlgorithms } from "./collectives/select.ts";
import { installErrorReporting } from "./boot/errors-at-exit.ts";

import { ErrorCode } from "./errors.ts";

export { MpiError, ProcessFailedError, ErrorCode } from "./errors.ts";
export const {
  ERR_RANK,
  ERR_TAG,
  ERR_COUNT,
  ERR_TRUNCATE,
  ERR_TYPE,
  ERR_ROOT,
  ERR_OP,
  ERR_ARG,
  ERR_COMM,
  ERR_WIN,
  ERR_RMA_SYNC,
  ERR_RMA_RANGE,
  ERR_PROC_FAILED,
  ERR_PROTOCOL,
  ERR_TIMEOUT,
  ERR_DEADLOCK,
} = ErrorCode;
export {
  ANY_SOURCE,
  ANY_TAG,
  PROC_NULL,
  UNDEFINED,
  TAG_UB,
  ROOT,
  IDENT,
  CONGRUENT,
  SIMILAR,
  UNEQUAL,
  LOCK_EXCLUSIVE,
  LOCK_SHARED,
  MODE_NOCHECK,
  MODE_NOSTORE,
  MODE_NOPUT,
  MODE_NOPRECEDE,
  MODE_NOSUCCEED,
  ERRORS_ARE_FATAL,
  ERRORS_RETURN,
  type Errhandler,
} from "./constants.ts";
export { Status } from "./mpi/status.ts";
export {
  Request,
  PersistentRequest,
  startall,
  waitall,
  waitany,
  waitsome,
  testall,
  testany,
  testsome,
} from "./mpi/request.ts";
export { Message } from "./mpi/message.ts";
export { Comm } from "./mpi/comm.ts";
export {
  Datatype,
  ORDER_C,
  ORDER_FORTRAN,
  DATATYPE_NULL,
  BYTE,
  INT8,
  UINT8,
  INT16,
  UINT16,
  INT32,
  UINT32,
  INT64,
  UINT64,
  FLOAT32,
  FLOAT64,
  FLOAT64_INT,
  FLOAT32_INT,
  INT32_INT,
  BufSpec,
  buf,
  pack,
  unpack,
  packSize,
  getCount,
  getElements,
  Op,
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
  reduceLocal,
} from "./datatype/index.ts";
export type {
  ArrayOrder,
  Combiner,
  TypeContents,
  TypeEnvelope,
  TypeMapEntry,
  TypedArray,
  TypedArrayConstructor,
  UserOpFunction,
} from "./datatype/index.ts";
export { Intracomm, compare } from "./mpi/intracomm.ts";
export { Cartcomm } from "./mpi/cartcomm.ts";
export { computeDims } from "./collectives/cartcomm.ts";
export { Group, GROUP_EMPTY } from "./mpi/group.ts";
export { Win } from "./mpi/win.ts";
export { IN_PLACE } from "./collectives/checks.ts";

let world: World | null = null;
let starting: Promise<Intracomm> | null = null;

/** The world communicator; set by init(). */
export let COMM_WORLD: Intracomm = undefined as unknown as Intracomm;
/** The communicator of this process alone; set by init(). */
export let COMM_SELF: Intracomm = undefined as unknown as Intracomm;
/** The null communicator: what split(UNDEFINED), create and createCart give ranks left out. */
export const COMM_NULL = null;

/** MPI_Init: joins the job started by tsrun (or a world of one rank). Idempotent. */
export function init(): Promise<Intracomm> {
  starting ??= (async () => {
    world = await startWorld();
    validateForcedAlgorithms();
    COMM_WORLD = newIntracomm(
      new CommCore(
        world,
        Array.from({ length: world.size }, (_, i) => i),
        0,
        "COMM_WORLD",
      ),
    );
    COMM_SELF = newIntracomm(new CommCore(world, [world.rank], 2, "COMM_SELF"));
    installErrorReporting(world);
    return COMM_WORLD;
  })();
  return starting;
}

/** MPI_Initialized. */
export function initialized(): boolean {
  return world !== null;
}

/** MPI_Finalize: waits for every rank, then reports messages that were sent and never received. */
export async function finalize(): Promise<void> {
  await world?.finalize();
}

/** MPI_Finalized. */
export function finalized(): boolean {
  return world?.finalized ?? false;
}

/** MPI_Get_processor_name: the host name. */
export function processorName(): string {
  return os.hostname();
}

const t0 = performance.timeOrigin;
/** MPI_Wtime: seconds since an arbitrary origin, with sub-microsecond resolution. */
export function wtime(): number {
  return (t0 + performance.now()) / 1000;
}

/** MPI_Wtick: resolution of wtime() in seconds. */
export function wtick(): number {
  return 1e-9;
}
export type { GroupLike } from "./rma/index.ts";
export { crash } from "./comm/fault.ts";
export { attachBuffer, detachBuffer, BSEND_OVERHEAD } from "./comm/modes.ts";
export const REQUEST_NULL = null;
/** mpi.mark("text"): a user event in the trace (tsrun --trace DIR); does nothing when the trace is off. */
export { mark } from "./trace/tracer.ts";
