// Active-target synchronisation (MPI-4 §12.5.1 fence, §12.5.2 post/start/complete/wait/test).
// fence: every rank sends FENCE to every member after its operations (frames to one target arrive in
// order), then waits until the FENCE of every member has arrived here (so every operation on this window
// is applied) and its own gets have been answered. A target holds the next round's frames of a fast
// origin until its own round is complete (target.ts), so one message per pair is enough.
// PSCW: post sends POST to each origin of the group; start waits for the POST of each target; complete
// sends COMPLETE after the operations and waits for its answers; wait/test consume one COMPLETE per origin.
import { mpiError } from "../errors.ts";
import { FENCE_ASSERTS, POST_ASSERTS, START_ASSERTS } from "./constants.ts";
import { MODE_NOCHECK, MODE_NOPRECEDE, MODE_NOPUT, MODE_NOSTORE, MODE_NOSUCCEED } from "../constants.ts";
import { WindowMsg } from "../protocol.ts";
import { checkOpen } from "./access.ts";
import { syncError } from "./epoch.ts";
import { groupRanks } from "./groups.ts";
import type { WinParts } from "./core.ts";

const ASSERT_NAMES: [number, string][] = [
  [MODE_NOCHECK, "MODE_NOCHECK"],
  [MODE_NOSTORE, "MODE_NOSTORE"],
  [MODE_NOPUT, "MODE_NOPUT"],
  [MODE_NOPRECEDE, "MODE_NOPRECEDE"],
  [MODE_NOSUCCEED, "MODE_NOSUCCEED"],
];

/** Throws ERR_ARG for an assertion flag the call does not take. */
export function checkAssert(op: string, assert: number, allowed: number): void {
  if (Number.isInteger(assert) && (assert & ~allowed) === 0) return;
  const names = ASSERT_NAMES.filter(([bit]) => allowed & bit).map(([, n]) => `mpi.${n}`);
  throw mpiError("ERR_ARG", op, "invalid assertion flags", {
    measured: assert,
    expected: `0 or a combination of ${names.join(" | ")}`,
  });
}

export function assertText(assert: number): string {
  if (!assert) return "";
  if (!Number.isInteger(assert) || ASSERT_NAMES.reduce((rest, [bit]) => rest & ~bit, assert) !== 0)
    return String(assert);
  return (
    ASSERT_NAMES.filter(([bit]) => assert & bit)
      .map(([, n]) => n)
      .join("|") || String(assert)
  );
}

export async function fence(w: WinParts, assert = 0): Promise<void> {
  const op = `fence(${assertText(assert)})`;
  checkOpen(w, op);
  checkAssert(op, assert, FENCE_ASSERTS);
  w.epoch.checkFence(op);
  const round = ++w.core.fencesEntered;
  w.origin.fence(round);
  await w.core.waitFor(
    () => w.core.fencesCompleteHere >= round && w.origin.pendingAnswers() === 0,
    () => `win.${op}`,
    w.core.everyone(),
  );
  w.epoch.fenceOpen = (assert & MODE_NOSUCCEED) === 0;
  w.epoch.opsSinceFence = false;
}

export async function post(w: WinParts, group: unknown, assert = 0): Promise<void> {
  const op = "post(group)";
  checkOpen(w, op);
  checkAssert(op, assert, POST_ASSERTS);
  if (w.epoch.exposureGroup)
    throw syncError(
      op,
      "an exposure epoch is already open",
      "Close it with await win.wait() (or win.test()) before posting again",
    );
  w.epoch.checkNoFenceEpoch(op, "post");
  const origins = groupRanks(group, w.core.comm, op);
  w.epoch.exposureGroup = origins;
  for (const r of origins) w.core.send(r, WindowMsg.POST, new Uint8Array(0));
}

export async function start(w: WinParts, group: unknown, assert = 0): Promise<void> {
  const op = "start(group)";
  checkOpen(w, op);
  checkAssert(op, assert, START_ASSERTS);
  if (w.epoch.accessGroup)
    throw syncError(
      op,
      "an access epoch is already open",
      "Close it with await win.complete() before starting another",
    );
  if (w.epoch.locked.size) throw syncError(op, "start inside a passive-target epoch", "Unlock every target first");
  w.epoch.checkNoFenceEpoch(op, "start");
  const targets = groupRanks(group, w.core.comm, op);
  const posts = w.origin.postsFrom;
  await w.core.waitFor(
    () => targets.every((t) => posts[t] > 0),
    () => `win.start([${targets.join(", ")}]) waiting for post() of every target`,
    targets,
  );
  for (const t of targets) posts[t]--;
  w.epoch.accessGroup = new Set(targets);
}

export async function complete(w: WinParts): Promise<void> {
  const op = "complete()";
  checkOpen(w, op);
  const group = w.epoch.accessGroup;
  if (!group)
    throw syncError(
      op,
      "no access epoch opened by start()",
      "Call await win.start(group) before the operations and complete() after them",
    );
  const targets = [...group];
  for (const t of targets) w.origin.notify(t, WindowMsg.COMPLETE);
  w.epoch.accessGroup = null;
  await w.core.waitFor(
    () => targets.every((t) => w.origin.pendingAnswers(t) === 0),
    () => "win.complete()",
    targets,
  );
}

function allCompleted(w: WinParts, origins: number[]): boolean {
  return origins.every((r) => w.target.completesFrom[r] > 0);
}

function closeExposure(w: WinParts, origins: number[]): void {
  for (const r of origins) w.target.completesFrom[r]--;
  w.epoch.exposureGroup = null;
}

export async function wait(w: WinParts): Promise<void> {
  const op = "wait()";
  checkOpen(w, op);
  const origins = w.epoch.exposureGroup;
  if (!origins) throw syncError(op, "no exposure epoch opened by post()", "Call await win.post(group) first");
  await w.core.waitFor(
    () => allCompleted(w, origins),
    () => `win.wait() for complete() of [${origins.join(", ")}]`,
    origins,
  );
  closeExposure(w, origins);
}

/** MPI_Win_test: true (and the exposure epoch closed) once every origin has completed. */
export function test(w: WinParts): boolean {
  const op = "test()";
  checkOpen(w, op);
  const origins = w.epoch.exposureGroup;
  if (!origins) throw syncError(op, "no exposure epoch opened by post()", "Call await win.post(group) first");
  if (!allCompleted(w, origins)) return false;
  closeExposure(w, origins);
  return true;
}
