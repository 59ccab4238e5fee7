// What happens when a rank's program fails or ends: an uncaught error is reported once to the launcher
// (which stops the job and prints it with the rank and the call it was in), and a program that ends
// without calling finalize() is finalized implicitly, as mpi4py does at exit.
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { MpiError } from "../wire/errors.ts";
import type { World } from "./world.ts";

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
  process.on("uncaughtException", onFatal);
  process.on("unhandledRejection", onFatal);
  process.on("beforeExit", () => {
    if (!world.finalized && !failing) world.finalize().catch(onFatal);
  });
}
