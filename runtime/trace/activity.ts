// What this rank is blocked in right now (e.g. "recv(source=1, tag=0) on COMM_WORLD"), for the launcher's
// timeout and abort messages and for deadlock diagnostics, and the keep-alive that lets a program whose
// last line ran end on its own (as mpi4py finalizes at exit) while an awaited MPI call still holds it open.
// Descriptions are built only when asked for, so recording costs next to nothing on the fast path.
//
// Source lines of blocked calls (checks on): capturing a stack at every call would cost microseconds per
// message, so the blocking call is instead an async function that the user's code awaits; when the
// launcher asks what a rank is blocked in, each pending call is woken once without completing, and the
// stack it captures then contains the user's awaiting frames (V8's async stack traces): the line of the
// `await comm.recv(...)` that is stuck. Calls that complete before anyone asks never pay for a stack.
// With --trace, each blocking call is also a pair of trace events (block, unblock: tracer.ts), and the
// world's start (init connected) is one ("ready"), so the view can draw waits and fold the start-up.
import type { BlockedCall } from "../wire/bootstrap.ts";
import { captureStack, userSite } from "./sites.ts";

interface Entry {
  id: number;
  describe: () => string;
  comm?: string;
  waitsFor?: number[];
  since: number;
  /** Wakes the pending call so that it captures its stack (checks on only). */
  wake?: () => void;
  frames?: NodeJS.CallSite[];
  site?: string | null;
}

const current = new Set<Entry>();
let keepAliveTimer: NodeJS.Timeout | null = null;
let nextEntryId = 1;
let captureSites = false;

/** The trace's recorder of blocking calls (tracer.ts installs it with --trace; null costs one test per call). */
export interface BlockTracer {
  /** The call started (in the caller's synchronous stack, so the user's line is on it). */
  began(id: number, describe: () => string, waitsFor?: number[]): void;
  ended(id: number): void;
}
let blockTracer: BlockTracer | null = null;

export function setBlockTracer(t: BlockTracer | null): void {
  blockTracer = t;
}

/** True when every blocking call, even one that completes at once, must be recorded (the trace draws it). */
export function tracingBlocks(): boolean {
  return blockTracer !== null;
}

/** Told once the world is up (init connected every rank): the trace marks the end of start-up. */
let startedListener: (() => void) | null = null;
export function onWorldStarted(listener: (() => void) | null): void {
  startedListener = listener;
}

/**
 * The engine's spin (Engine.spinWhile), installed by the world when its transport can be polled: a
 * blocking call that is still pending spins on the transport a short while before the event loop waits.
 */
let spinWhile: ((pending: () => boolean) => void) | null = null;
export function setBlockingSpin(spin: ((pending: () => boolean) => void) | null): void {
  spinWhile = spin;
}

/** Turns on the lazy capture of the user's source line of every blocking call (runtime checks). */
export function setSiteCapture(on: boolean): void {
  captureSites = on;
}

/** Records that the rank entered a blocking call; returns a token for leave(). */
export function enter(describe: () => string, comm?: string, waitsFor?: number[]): Entry {
  const entry: Entry = { id: nextEntryId++, describe, comm, waitsFor, since: Date.now() };
  current.add(entry);
  if (current.size === 1) keepAliveTimer?.ref();
  blockTracer?.began(entry.id, describe, waitsFor);
  return entry;
}

export function leave(entry: Entry): void {
  if (!current.delete(entry)) return;
  if (current.size === 0) keepAliveTimer?.unref();
  blockTracer?.ended(entry.id);
}

/** Runs `promise` as a blocking call: recorded while pending, and keeping the process alive. */
export function blocking<T>(
  promise: Promise<T>,
  describe: string | (() => string),
  comm?: string,
  waitsFor?: number[],
): Promise<T> {
  const entry = enter(typeof describe === "string" ? () => describe : describe, comm, waitsFor);
  if (spinWhile) {
    let pending = true;
    const settle = () => void (pending = false);
    promise.then(settle, settle);
    spinWhile(() => pending);
  }
  if (captureSites) return awaitedWithSite(promise, entry);
  return promise.finally(() => leave(entry));
}

/** The blocking call as an async function awaited by the user's code, woken on demand to capture its stack. */
async function awaitedWithSite<T>(promise: Promise<T>, entry: Entry): Promise<T> {
  let settled = false;
  const settle = () => {
    settled = true;
    entry.wake?.();
  };
  promise.then(settle, settle);
  try {
    while (!settled) {
      await new Promise<void>((resolve) => (entry.wake = resolve));
      if (!settled && !entry.frames) entry.frames = captureStack();
    }
    return await promise;
  } catch (err) {
    // Resumed here, the stack holds the user's awaiting frames: name the line that made the failed call.
    attachUserSite(err, entry.frames ?? captureStack());
    throw err;
  } finally {
    leave(entry);
  }
}

/**
 * An error raised while the call was pending (ERR_TRUNCATE when the message arrives, ERR_PROC_FAILED…)
 * has only the runtime's frames: add the user's line that made the call as a stack line, which the
 * launcher's error report keeps ("    at prog.ts:12:9").
 */
function attachUserSite(err: unknown, frames: NodeJS.CallSite[]): void {
  if (!(err instanceof Error)) return;
  const site = userSite(frames);
  const fileLine = site && /^(.*:\d+):\d+$/.exec(site)?.[1];
  if (!site || !fileLine || (err.stack ?? "").includes(`${fileLine.replace(/^.*\//, "")}:`)) return;
  const lines = (err.stack ?? `${err.name}: ${err.message}`).split("\n");
  const firstFrame = lines.findIndex((l) => /^\s+at /.test(l));
  lines.splice(firstFrame < 0 ? lines.length : firstFrame, 0, `    at ${site}`);
  err.stack = lines.join("\n");
}

export function blockedCalls(): BlockedCall[] {
  return [...current].map((e) => ({
    id: e.id,
    call: e.describe(),
    comm: e.comm,
    waitsFor: e.waitsFor,
    since: e.since,
    ...(e.site ? { site: e.site } : {}),
  }));
}

/** Learns the user's source line of every pending call (wakes each once; blockedCalls() then includes it). */
export async function resolveSites(): Promise<void> {
  let woken = false;
  for (const e of current) {
    if (e.wake && !e.frames && e.site === undefined) {
      e.wake();
      woken = true;
    }
  }
  if (woken) await new Promise<void>((resolve) => setImmediate(resolve));
  for (const e of current) if (e.frames && e.site === undefined) e.site = userSite(e.frames) ?? null;
}

/** Installs the keep-alive timer (called by init). */
export function startKeepAlive(): void {
  if (keepAliveTimer) return;
  startedListener?.();
  keepAliveTimer = setInterval(() => {}, 1 << 30);
  if (current.size === 0) keepAliveTimer.unref();
}

export function stopKeepAlive(): void {
  if (keepAliveTimer) clearInterval(keepAliveTimer);
  keepAliveTimer = null;
}

/** Whether the keep-alive timer currently holds the event loop (one of the rank's own timers). */
export function keepAliveHeld(): boolean {
  return keepAliveTimer !== null && current.size > 0;
}

export function describeBlocked(calls: BlockedCall[]): string {
  if (!calls.length) return "not in an MPI call";
  return calls.map((c) => `${c.call}${c.comm && c.comm !== "COMM_WORLD" ? ` on ${c.comm}` : ""}`).join(", ");
}

/** Warns (an error with strict checks) of blocking calls still pending at finalize: started, never awaited. */
export function reportNeverAwaited(calls: BlockedCall[], rank: number, strict: boolean): void {
  if (!calls.length) return;
  const lines = calls
    .slice(0, 10)
    .map(
      (c) =>
        `  ${c.call}${c.comm && c.comm !== "COMM_WORLD" ? ` on ${c.comm}` : ""}${c.site ? ` at ${c.site}` : ""} was never completed`,
    );
  if (calls.length > 10) lines.push(`  … and ${calls.length - 10} more`);
  process.stderr.write(
    `tsmpi ${strict ? "error" : "warning"}: rank ${rank} finalize: ${calls.length} call${calls.length > 1 ? "s were" : " was"} still pending (started, never awaited):\n${lines.join("\n")}\n` +
      `  hint: await every MPI call (or keep its Promise and await it) before mpi.finalize()\n`,
  );
  if (strict) process.exitCode = 1;
}
