// Making and freeing a window (MPI-4 §12.2, §12.2.5), for Win (runtime/mpi/win.ts): the argument checks,
// this rank's CONTROL channel for the window (channels.ts; its handler is registered before the exchange, so
// no frame a faster member sends is lost), its parts (core.ts, origin.ts, target.ts, epoch.ts), and the
// exchange of what every member exposes (size, displacement unit, element type, channel) over the
// communicator's allgather. free() waits until every member has freed, so no frame of this window arrives
// after it and its channel may be taken again.
import { mpiError } from "../errors.ts";
import type { CommCore } from "../comm/communicator.ts";
import { Datatype, codeOfArray, type BufferView } from "../datatype/index.ts";
import { runCollective } from "../collectives/collective-comm.ts";
import { allgatherValue } from "../collectives/allgather.ts";
import { WINDOW_CHANNELS, WindowMsg } from "../protocol.ts";
import { WindowChannels } from "./channels.ts";
import { WinCore, type PeerWindow, type WinParts } from "./core.ts";
import { EpochState } from "./epoch.ts";
import { Origin } from "./origin.ts";
import { Target } from "./target.ts";
import { checkOpen } from "./access.ts";

const channels = new WindowChannels(WINDOW_CHANNELS);
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
  const channel = channels.take();
  if (channel === undefined)
    throw mpiError("ERR_WIN", op, "no CONTROL channel left for a window on this process", {
      measured: `${channels.inUse} windows alive`,
      hint: "Free windows you no longer use (win.free())",
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
  core.deliverLocally = (source, kind, payload) => target.onFrame(source, kind, payload);
  core.engine.onControl(channel, (source, frame) => target.onFrame(source, frame.tag, frame.payload));
  const mine: PeerWindow = { bytes: array.byteLength, dispUnit, code, channel };
  const exchange = runCollective(comm, "allgather()", (c) => allgatherValue(c, mine)) as Promise<PeerWindow[]>;
  try {
    core.setPeers(await core.blocking(exchange, op, core.everyone()));
  } catch (e) {
    closeChannel(core);
    throw e;
  }
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
  closeChannel(core);
}

/** No more frames arrive on this rank's channel of the window: drop its handler and give the channel back. */
function closeChannel(core: WinCore): void {
  core.engine.onControl(core.channel, null);
  channels.release(core.channel);
}
