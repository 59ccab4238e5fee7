// The one-sided layer's own constants (MPI-4 chapter 12): which assertion flags each synchronisation call
// accepts (MPI-4 §12.5.5; the flags and lock types are in runtime/constants.ts, the kinds of a window's CONTROL
// frames in runtime/protocol.ts), and the window's CONTROL channel.
// Every window has its own channel, agreed without communication: each member of a communicator creates
// its windows in the same order (creation is collective), so (context, per-communicator counter) is the
// same on every member.
import type { CommCore } from "../comm/communicator.ts";
import { MODE_NOCHECK, MODE_NOPRECEDE, MODE_NOPUT, MODE_NOSTORE, MODE_NOSUCCEED } from "../constants.ts";
import { windowChannel } from "../protocol.ts";

export const FENCE_ASSERTS = MODE_NOSTORE | MODE_NOPUT | MODE_NOPRECEDE | MODE_NOSUCCEED;
export const POST_ASSERTS = MODE_NOCHECK | MODE_NOSTORE | MODE_NOPUT;
export const START_ASSERTS = MODE_NOCHECK;
export const LOCK_ASSERTS = MODE_NOCHECK;

const windowsCreated = new WeakMap<CommCore, number>();

/** The CONTROL channel of the next window on `comm` (same on every member, see the header). */
export function nextWindowChannel(comm: CommCore): number {
  const n = windowsCreated.get(comm) ?? 0;
  windowsCreated.set(comm, n + 1);
  return windowChannel(comm.context, n);
}
