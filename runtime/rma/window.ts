// Making and freeing a window (MPI-4 §12.2, §12.2.5), for Win (runtime/mpi/win.ts): the argument checks,
// the window's own CONTROL channel, its parts (core.ts, origin.ts, target.ts, epoch.ts), and the exchange
// of what every member exposes (size, displacement unit, element type) over the communicator's allgather.
// free() waits until every member has freed, so no frame of this window arrives after it.
import { mpiError } from "../errors.ts";
import type { CommCore } from "../comm/communicator.ts";
import { Datatype, codeOfArray, type BufferView } from "../datatype/index.ts";
import { runCollective } from "../collectives/collective-comm.ts";
import { allgatherValue } from "../collectives/allgather.ts";
import { nextWindowChannel } from "./constants.ts";
import { WindowMsg } from "../protocol.ts";
import { WinCore, type PeerWindow, type WinParts } from "./core.ts";
import { EpochState } from "./epoch.ts";
import { Origin } from "./origin.ts";
import { Target } from "./target.ts";
import { checkOpen } from "./access.ts";

const channelsInUse = new Set<number>();
let windowsMade = 0;

/** MPI_Win_create (collective): the parts of a window over `array` on `comm`, once every member has joined. */
export async function createWindow(
  comm: CommCore,
  array: BufferView,
  dispUnitGiven: number | undefined,
): Promise<WinParts> {
  const op = "Win.create";
  const code = codeOfArray(array);
  if (code === undefined)
    throw mpiError("ERR_ARG", op, "the window memory must be a TypedArray or a DataView", {
      measured: array === null ? "null" : typeof array,
      expected: "a TypedArray (Float64Array, Int32Array, …) or a DataView",
    });
  const dispUnit = dispUnitGiven ?? (array instanceof DataView ? 1 : array.BYTES_PER_ELEMENT);
  if (!Number.isSafeInteger(dispUnit) || dispUnit <= 0)
    throw mpiError("ERR_ARG", op, "dispUnit must be a positive integer", { measured: dispUnit, expected: "> 0" });
  const channel = nextWindowChannel(comm);
  if (channelsInUse.has(channel))
    throw mpiError("ERR_WIN", op, "too many windows alive on this communicator", {
      measured: "65536 or more",
      hint: "Free windows you no longer use",
    });
  const core = new WinCore(
    comm,
    channel,
    new Uint8Array(array.buffer, array.byteOffset, array.byteLength),
    `window ${++windowsMade} on ${comm.name}`,
  );
  const epoch = new EpochState();
  const origin = new Origin(core);
  const target = new Target(core, origin);
  channelsInUse.add(channel);
  core.deliverLocally = (source, kind, payload) => target.onFrame(source, kind, payload);
  core.engine.onControl(channel, (source, frame) => target.onFrame(source, frame.tag, frame.payload));
  const mine: PeerWindow = { bytes: array.byteLength, dispUnit, code };
  const exchange = runCollective(comm, "allgather()", (c) => allgatherValue(c, mine)) as Promise<PeerWindow[]>;
  core.peers = await core.blocking(exchange, op, core.everyone());
  return { core, origin, target, epoch };
}

/** The memory MPI_Win_allocate gives: `count` zeroed items of `datatype`, as an array of its basic element. */
export function allocateMemory(count: number, datatype: Datatype): BufferView {
  const op = `Win.allocate(${count}, ${datatype?.name})`;
  if (!(datatype instanceof Datatype))
    throw mpiError("ERR_TYPE", op, "datatype is not a Datatype", {
      measured: typeof datatype,
      expected: "mpi.FLOAT64, mpi.INT32, …",
    });
  datatype.assertUsable(op);
  if (!Number.isSafeInteger(count) || count < 0)
    throw mpiError("ERR_COUNT", op, "count must be a non-negative integer", { measured: count, expected: ">= 0" });
  const bytes = count * datatype.extent;
  const Element = datatype.reductionBase?.arrayType ?? Uint8Array;
  return bytes % Element.BYTES_PER_ELEMENT === 0
    ? new Element(bytes / Element.BYTES_PER_ELEMENT)
    : new Uint8Array(bytes);
}

/** MPI_Win_free (collective): ERR_RMA_SYNC inside an open epoch; waits until every member frees. */
export async function freeWindow(parts: WinParts): Promise<void> {
  const { core, origin, target, epoch } = parts;
  const op = "free()";
  checkOpen(parts, op);
  epoch.checkClosed(op);
  for (let r = 0; r < core.size; r++) origin.notify(r, WindowMsg.FREE);
  await core.waitFor(
    () => target.freesArrived >= core.size && origin.pendingAnswers() === 0,
    () => "win.free()",
    core.everyone(),
  );
  core.freed = true;
  core.engine.onControl(core.channel, null);
  channelsInUse.delete(core.channel);
}
