// A student folder made of the reference programs, laid out as the student pack: one folder per family
// (mpi/, sockets/, salad/) and the shared common/, without handouts or answers. Used by the class tests,
// the every-id check (grade-every-id.ts) and the class benchmark.
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../lib/run.ts";

const FAMILIES = ["mpi", "sockets", "salad"];
const LEFT_OUT = new Set(["answers", "handouts", "README.md"]);

/** Fills `folder` with the reference families as the pack lays them out. */
export function referenceStudent(folder: string, families = FAMILIES): void {
  for (const family of [...families, "common"]) {
    const from = path.join(projectRoot, "exercises", family);
    if (!fs.existsSync(from)) continue;
    fs.mkdirSync(path.join(folder, family), { recursive: true });
    for (const entry of fs.readdirSync(from)) {
      if (!LEFT_OUT.has(entry))
        fs.cpSync(path.join(from, entry), path.join(folder, family, entry), { recursive: true });
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
