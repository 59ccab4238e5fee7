// What happens when a rank's program fails or ends: an uncaught error is reported once to the launcher
// (which stops the job and prints it with the rank and the call it was in), and a program that ends
// without calling finalize() is finalized implicitly, as mpi4py does at exit.
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { MpiError } from "../errors.ts";
import type { World } from "../comm/world.ts";
import { blockedCalls } from "../trace/activity.ts";

/** Node's exit code for a program whose top-level await can never settle (the event loop ran dry). */
const UNSETTLED_TOP_LEVEL_AWAIT = 13;

/** Why a rank exits with code 13: the MPI call its top-level await was blocked in, which nothing can complete now. */
export function explainUnsettledAwait(rank: number, finalized: boolean): string {
  const calls = blockedCalls().map(
    (c) => `${c.call}${c.comm && c.comm !== "COMM_WORLD" ? ` on ${c.comm}` : ""}${c.site ? ` at ${c.site}` : ""}`,
  );
  const what = calls.length
    ? `it was blocked in ${calls.join(", ")}`
    : "it was awaiting a Promise that nothing resolves";
  const why = finalized ? ", after mpi.finalize() (no message can arrive any more)" : "";
  return (
    `tsmpi: rank ${rank} exited with code 13: the program's top-level await never settled: ${what}${why}.\n` +
    "  hint: finalize() must come after every awaited MPI call; a Promise that is never resolved cannot be awaited at top level"
  );
}

const runtimeDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** An error's text with the frames inside tsmpi and Node removed: what the user's code did. */
export function userFacingError(err: unknown): string {
  if (!(err instanceof Error)) return `uncaught value: ${String(err)}`;
  const head = err instanceof MpiError ? `MpiError [${err.code}]: ${err.message}` : `${err.name}: ${err.message}`;
  const frames = (err.stack ?? "")
    .split("\n")
    .filter((l) => /^\s+at /.test(l))
    .filter((l) => !l.includes(runtimeDir) && !l.includes("node:internal") && !l.includes("/node_modules/"))
    .slice(0, 6);
  return [head, ...frames].join("\n");
}

export function installErrorReporting(world: World): void {
  let failing = false;
  const onFatal = (err: unknown) => {
    if (failing) return;
    failing = true;
    try {
      world.fatal(userFacingError(err));
    } catch {
      /* fatal() throws to stop the caller; here there is no caller */
    }
  };
  // Node sets exitCode 13 in its own 'exit' listener (registered first), after `code` was fixed: read exitCode
  process.on("exit", (code) => {
    if ((code === UNSETTLED_TOP_LEVEL_AWAIT || process.exitCode === UNSETTLED_TOP_LEVEL_AWAIT) && !failing)
      process.stderr.write(`${explainUnsettledAwait(world.rank, world.finalized)}\n`);
  });
  process.on("uncaughtException", onFatal);
  process.on("unhandledRejection", onFatal);
  process.on("beforeExit", () => {
    if (!world.finalized && !failing) world.finalize().catch(onFatal);
  });
}
