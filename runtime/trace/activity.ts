// What this rank is blocked in right now (e.g. "recv(source=1, tag=0) on COMM_WORLD"), for the launcher's
// timeout and abort messages and for deadlock diagnostics, and the keep-alive that lets a program whose
// last line ran end on its own (as mpi4py finalizes at exit) while an awaited MPI call still holds it open.
// Descriptions are built only when asked for, so recording costs next to nothing on the fast path.
import type { BlockedCall } from "../wire/bootstrap.ts";

interface Entry {
  describe: () => string;
  comm?: string;
  waitsFor?: number[];
  since: number;
}

const current = new Set<Entry>();
let keepAliveTimer: NodeJS.Timeout | null = null;

/** Records that the rank entered a blocking call; returns a token for leave(). */
export function enter(describe: () => string, comm?: string, waitsFor?: number[]): Entry {
  const entry: Entry = { describe, comm, waitsFor, since: Date.now() };
  current.add(entry);
  if (current.size === 1) keepAliveTimer?.ref();
  return entry;
}

export function leave(entry: Entry): void {
  if (current.delete(entry) && current.size === 0) keepAliveTimer?.unref();
}

/** Runs `promise` as a blocking call: recorded while pending, and keeping the process alive. */
export function blocking<T>(promise: Promise<T>, describe: string | (() => string), comm?: string, waitsFor?: number[]): Promise<T> {
  const entry = enter(typeof describe === "string" ? () => describe : describe, comm, waitsFor);
  return promise.finally(() => leave(entry));
}

export function blockedCalls(): BlockedCall[] {
  return [...current].map((e) => ({ call: e.describe(), comm: e.comm, waitsFor: e.waitsFor, since: e.since }));
}

/** Installs the keep-alive timer (called by init). */
export function startKeepAlive(): void {
  if (keepAliveTimer) return;
  keepAliveTimer = setInterval(() => {}, 1 << 30);
  if (current.size === 0) keepAliveTimer.unref();
}

export function stopKeepAlive(): void {
  if (keepAliveTimer) clearInterval(keepAliveTimer);
  keepAliveTimer = null;
}

export function describeBlocked(calls: BlockedCall[]): string {
  if (!calls.length) return "not in an MPI call";
  return calls.map((c) => `${c.call}${c.comm && c.comm !== "COMM_WORLD" ? ` on ${c.comm}` : ""}`).join(", ");
}
