// Constants of tsmpi's one-sided layer (MPI-4 chapter 12, "one-sided communications"): the lock types of
// MPI_Win_lock, the assertion flags of fence/post/start/lock (MPI-4 §12.5.5, values as MPICH's), the
// kinds of the CONTROL frames a window exchanges (the frame's tag), and the window's CONTROL channel.
// Every window has its own channel, agreed without communication: each member of a communicator creates
// its windows in the same order (creation is collective), so (context, per-communicator counter) is the
// same on every member.
import type { CommCore } from "../comm/communicator.ts";

/** MPI_LOCK_EXCLUSIVE: one origin at a time in a passive-target epoch on the target. */
export const LOCK_EXCLUSIVE = 234;
/** MPI_LOCK_SHARED: any number of origins at once (accumulates stay atomic per element). */
export const LOCK_SHARED = 235;

/** MPI_MODE_NOCHECK: the matching post/lock is known to have happened (lock, start, post). */
export const MODE_NOCHECK = 1024;
/** MPI_MODE_NOSTORE: the window was not updated by local stores since the last synchronisation. */
export const MODE_NOSTORE = 2048;
/** MPI_MODE_NOPUT: the window will not be updated by put or accumulate until the next synchronisation. */
export const MODE_NOPUT = 4096;
/** MPI_MODE_NOPRECEDE: the fence completes no operations of this rank (it opens the first epoch). */
export const MODE_NOPRECEDE = 8192;
/** MPI_MODE_NOSUCCEED: no operations follow this fence (it closes the fence epochs: locks may follow). */
export const MODE_NOSUCCEED = 16384;

export const FENCE_ASSERTS = MODE_NOSTORE | MODE_NOPUT | MODE_NOPRECEDE | MODE_NOSUCCEED;
export const POST_ASSERTS = MODE_NOCHECK | MODE_NOSTORE | MODE_NOPUT;
export const START_ASSERTS = MODE_NOCHECK;
export const LOCK_ASSERTS = MODE_NOCHECK;

/** Kinds of the window's CONTROL frames (the frame tag). Origin → target unless said otherwise. */
export const Msg = {
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
  return kind < Msg.REPLY;
}

/** Flag bit of an origin → target frame: issued in a passive-target (lock) epoch. */
export const FLAG_PASSIVE = 1;

const CHANNEL_BASE = 0x40000000;
const windowsCreated = new WeakMap<CommCore, number>();

/** The CONTROL channel of the next window on `comm` (same on every member, see the header). */
export function nextWindowChannel(comm: CommCore): number {
  const n = windowsCreated.get(comm) ?? 0;
  windowsCreated.set(comm, n + 1);
  return CHANNEL_BASE + ((comm.context >>> 1) & 0x3fff) * 0x10000 + (n & 0xffff);
}
