// Builds a student pack: for each chosen exercise its handout, its starters (the reference programs with
// every SOLUTION region replaced by a TODO, under the names a student submits), the helper modules they
// import, a package.json and tsconfig.json to type-check them, and a README on running and grading.
// No reference solution goes in: a reference without regions is left out and reported, never copied.
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../lib/run.ts";
import { GIVEN_AS_IS, handoutsOf, localImports, type Exercise } from "./catalogue.ts";
import { makeStarter, parseRegions } from "./regions.ts";
import { bareImports, packReadme, packTsconfig, packPackageJson } from "./pack-files.ts";

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

/** The reference programs of an exercise without regions, in them or in a module they import (given-as-is files excepted). */
export function withoutRegions(ex: Exercise): string[] {
  return ex.references.filter((r) => !GIVEN_AS_IS.has(r) && !hasRegions(r) && !localImports(r).some(hasRegions));
}

/**
 * A starter's header: the reference's first header line (the exercise's title), then a pointer to the
 * handout, which holds the statement (the reference's longer header can tell how it was solved).
 */
export function starterHeader(text: string, handout: string): string {
  const lines = text.split("\n");
  const headerEnd = lines.findIndex((l) => !l.startsWith("//"));
  const title = headerEnd > 0 ? [lines[0]] : [];
  const note = `// Starter: write the parts marked TODO. The handout ${handout} gives the statement, the lines to print and how to grade.`;
  return [...title, note, ...lines.slice(Math.max(headerEnd, 0))].join("\n");
}

/** The pack's text for one program: its starter if it has regions, else the file as it is. */
function packedText(file: string, handout: string): string {
  const text = read(file);
  if (GIVEN_AS_IS.has(file) || !hasRegions(file)) return retarget(text);
  return starterHeader(makeStarter(text, file), handout);
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
    const handout = path.relative(path.dirname(inPack(ex.references[0])), inPack(ex.handout));
    for (const file of programsOf(ex)) contents.set(inPack(file), packedText(file, handout));
    if (fs.existsSync(path.join(projectRoot, ex.handout)))
      for (const h of handoutsOf(ex)) contents.set(inPack(h), read(h));
    else result.noHandout.push(ex.id);
    result.packed.push(ex.id);
  }
  const packedExercises = chosen.filter((e) => result.packed.includes(e.id));
  contents.set("README.md", packReadme(packedExercises, projectRoot));
  contents.set("tsconfig.json", packTsconfig());
  const project = JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8"));
  contents.set("package.json", packPackageJson(bareImports([...contents.values()]), project));
  for (const [file, text] of contents) {
    const target = path.join(outDir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
    result.files.push(file);
  }
  return result;
}
