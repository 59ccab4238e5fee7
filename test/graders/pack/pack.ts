// Builds a student pack: for each chosen exercise its handout, its starters (the reference programs with
// every SOLUTION region replaced by a TODO, under the names a student submits), the helper modules they
// import, a package.json and tsconfig.json to type-check them, and a README on running and grading.
// No reference solution goes in: a reference without regions is left out and reported, never copied.
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../lib/run.ts";
import { GIVEN_AS_IS, localImports, type Exercise } from "./catalogue.ts";
import { makeStarter, parseRegions } from "./regions.ts";
import { packReadme, packTsconfig, packPackageJson } from "./pack-files.ts";

export interface PackResult {
  /** Files written, relative to the pack's directory. */
  files: string[];
  packed: string[];
  /** Exercises left out, with the reason. */
  skipped: { id: string; reason: string }[];
  /** Exercises packed without a handout (their starters are there). */
  noHandout: string[];
}

const read = (file: string) => fs.readFileSync(path.join(projectRoot, file), "utf8");
const hasRegions = (file: string) => parseRegions(read(file), file).length > 0;
/** exercises/mpi/ring.ts → mpi/ring.ts, in paths and in the text of headers. */
const inPack = (file: string) => file.replace(/^exercises\//, "");
const retarget = (text: string) => text.replace(/exercises\/(mpi|sockets|salad)\//g, "$1/");

/** The reference programs of an exercise that still have no regions (given-as-is files excepted). */
export function withoutRegions(ex: Exercise): string[] {
  return ex.references.filter((r) => !GIVEN_AS_IS.has(r) && !hasRegions(r));
}

/** The pack's text for one program: its starter if it has regions, else the file as it is. */
function packedText(file: string): string {
  const text = read(file);
  return retarget(GIVEN_AS_IS.has(file) || !hasRegions(file) ? text : makeStarter(text, file));
}

/** The programs an exercise needs in the pack: its references and, transitively, their local imports. */
function programsOf(ex: Exercise): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const dep of localImports(file)) visit(dep);
  };
  ex.references.forEach(visit);
  return [...seen];
}

/** Writes the pack into `outDir` (created; must not exist or be empty). */
export function buildPack(outDir: string, chosen: Exercise[]): PackResult {
  if (fs.existsSync(outDir) && fs.readdirSync(outDir).length > 0) {
    throw new Error(`${outDir} already exists and is not empty: choose another --out or remove it`);
  }
  const result: PackResult = { files: [], packed: [], skipped: [], noHandout: [] };
  const contents = new Map<string, string>();
  for (const ex of chosen) {
    const missing = withoutRegions(ex);
    if (missing.length) {
      result.skipped.push({ id: ex.id, reason: `no SOLUTION regions yet in ${missing.join(", ")}` });
      continue;
    }
    for (const file of programsOf(ex)) contents.set(inPack(file), packedText(file));
    if (fs.existsSync(path.join(projectRoot, ex.handout))) contents.set(inPack(ex.handout), read(ex.handout));
    else result.noHandout.push(ex.id);
    result.packed.push(ex.id);
  }
  const packedExercises = chosen.filter((e) => result.packed.includes(e.id));
  contents.set("README.md", packReadme(packedExercises, projectRoot));
  contents.set("tsconfig.json", packTsconfig());
  contents.set("package.json", packPackageJson());
  for (const [file, text] of contents) {
    const target = path.join(outDir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
    result.files.push(file);
  }
  return result;
}
