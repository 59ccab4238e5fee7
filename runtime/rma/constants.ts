// The one-sided layer's own constants (MPI-4 chapter 12): which assertion flags each synchronisation call
// accepts (MPI-4 §12.5.5; the flags and lock types are in runtime/constants.ts, the kinds of a window's CONTROL
// frames in runtime/protocol.ts; a window's CONTROL channels are handed out by channels.ts).
import { MODE_NOCHECK, MODE_NOPRECEDE, MODE_NOPUT, MODE_NOSTORE, MODE_NOSUCCEED } from "../constants.ts";

export const FENCE_ASSERTS = MODE_NOSTORE | MODE_NOPUT | MODE_NOPRECEDE | MODE_NOSUCCEED;
export const POST_ASSERTS = MODE_NOCHECK | MODE_NOSTORE | MODE_NOPUT;
export const START_ASSERTS = MODE_NOCHECK;
export const LOCK_ASSERTS = MODE_NOCHECK;
