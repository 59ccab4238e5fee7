// Which files make up each exercise of the course, for the handouts pack: the exercise ids (9.2 … 13.4,
// 1.1 … 8, S0 … S7), taken from the graders' registry ("11.4-star" and "11.4-binomial" are exercise
// 11.4), each with its family, its handout and its reference programs. A reference becomes a starter
// through its SOLUTION regions; the few files handed out as they are, and the ids whose references have
// no regions yet, are listed here and nowhere else.
import * as fs from "node:fs";
import * as path from "node:path";
import type { Grader } from "../lib/grader.ts";
import { projectRoot } from "../lib/run.ts";
import { graders as mpiGraders } from "../mpi/index.ts";
import { graders as socketGraders } from "../sockets/index.ts";
import { graders as saladGraders } from "../salad/index.ts";

export type Family = "mpi" | "sockets" | "salad";

export interface Exercise {
  id: string;
  family: Family;
  /** exercises/<family>/handouts/<id>.md, relative to the project root */
  handout: string;
  graders: Grader[];
  /** Reference programs, relative to the project root, in the graders' order. */
  references: string[];
}

/**
 * Programs a student receives as they are: the exercise is to read or run them, not to write them, or they
 * are the wiring (launchers, the watched process, the REST server and client) around the part the student
 * writes, which has the regions (token-mutex.ts, failure-detector-algorithm.ts,
 * checkpoint-process-algorithm.ts, rest/worker.ts, mpi/lamport.ts, mpi/timeout-master.ts).
 */
export const GIVEN_AS_IS = new Set([
  "exercises/mpi/bug.ts",
  "exercises/salad/rpc/call.ts",
  "exercises/sockets/ring-ssh.ts",
  "exercises/sockets/ring-daemon.ts",
  "exercises/sockets/watched-process.ts",
  "exercises/sockets/checkpoint.ts",
  "exercises/salad/rest/server.ts",
  "exercises/salad/rest/client.ts",
  "exercises/salad/lamport-mutex.ts",
  "exercises/salad/fault-tolerant.ts",
]);

/**
 * Exercise ids whose reference programs are being rewritten and have no SOLUTION regions yet: the pack
 * leaves them out (and says so); the starters test fails for any other id without regions.
 */
export const PENDING_REGIONS = new Set<string>();

/** Exercise ids whose handouts are being written with their rewritten programs (the pack says so). */
export const PENDING_HANDOUTS = new Set<string>();

export const allGraders: Grader[] = [...mpiGraders, ...socketGraders, ...saladGraders];

/** "11.4-star" → "11.4"; "S2" → "S2". */
export function exerciseIdOf(graderId: string): string {
  return graderId.replace(/-[a-z].*$/, "");
}

function familyOf(reference: string): Family {
  const family = reference.split("/")[1];
  if (family !== "mpi" && family !== "sockets" && family !== "salad")
    throw new Error(`reference outside exercises/<family>/: ${reference}`);
  return family;
}

/** An exercise's handouts: its own, then one per grader that has its own (exercise 8's extension, 8-ext). */
export function handoutsOf(ex: Exercise): string[] {
  const extra = ex.graders
    .map((g) => `exercises/${ex.family}/handouts/${g.id}.md`)
    .filter((h) => h !== ex.handout && fs.existsSync(path.join(projectRoot, h)));
  return [ex.handout, ...extra];
}

/** Every exercise, in the graders' order. */
export function exercises(): Exercise[] {
  const byId = new Map<string, Exercise>();
  for (const g of allGraders) {
    const id = exerciseIdOf(g.id);
    const refs = [g.reference].flat();
    let ex = byId.get(id);
    if (!ex) {
      const family = familyOf(refs[0]);
      ex = { id, family, handout: `exercises/${family}/handouts/${id}.md`, graders: [], references: [] };
      byId.set(id, ex);
    }
    ex.graders.push(g);
    for (const r of refs) if (!ex.references.includes(r)) ex.references.push(r);
  }
  return [...byId.values()];
}

/** The exercises an id list names ("11.4" or "11.4-star" name exercise 11.4); all when the list is empty. */
export function select(ids: string[]): { chosen: Exercise[]; unknown: string[] } {
  const all = exercises();
  const wanted = ids.map(exerciseIdOf);
  const unknown = ids.filter((_, i) => !all.some((e) => e.id === wanted[i]));
  return { chosen: wanted.length ? all.filter((e) => wanted.includes(e.id)) : all, unknown };
}

/** Relative `.ts` imports of a program (the helpers a starter needs beside it), as project-relative paths. */
export function localImports(file: string): string[] {
  const text = fs.readFileSync(path.join(projectRoot, file), "utf8");
  const specs = [...text.matchAll(/^\s*(?:import|export)[^"'`;]*?from\s*["'](\.{1,2}\/[^"']+)["']/gm)].map((m) => m[1]);
  return specs.map((s) => path.relative(projectRoot, path.resolve(projectRoot, path.dirname(file), s)));
}
