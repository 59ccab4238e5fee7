// A student folder made of the reference programs, as a student hands in the folders of their pack: the
// MPI, socket and salad families' programs side by side with the helpers they import (common/, mpi/,
// rpc/, rest/, fruits.ts), without handouts or answers. Used by the class tests, the every-id check
// (grade-every-id.ts) and the class benchmark.
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../lib/run.ts";

const FAMILIES = ["mpi", "sockets", "salad"];
const LEFT_OUT = new Set(["answers", "handouts", "README.md"]);

/** Fills `folder` with the reference families (readable by the sandbox's unprivileged uid). */
export function referenceStudent(folder: string, families = FAMILIES): void {
  fs.mkdirSync(folder, { recursive: true, mode: 0o755 });
  for (const family of families) {
    const from = path.join(projectRoot, "exercises", family);
    for (const entry of fs.readdirSync(from)) {
      if (LEFT_OUT.has(entry)) continue;
      fs.cpSync(path.join(from, entry), path.join(folder, entry), { recursive: true });
    }
  }
}

/** Makes a class folder tree readable (not writable) by everyone, as the sandbox's uid needs it. */
export function readableByEveryone(dir: string): void {
  const walk = (at: string) => {
    const stat = fs.lstatSync(at);
    if (stat.isSymbolicLink()) return;
    fs.chmodSync(at, stat.isDirectory() ? 0o755 : 0o644);
    if (stat.isDirectory()) for (const entry of fs.readdirSync(at)) walk(path.join(at, entry));
  };
  walk(dir);
}
