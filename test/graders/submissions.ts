// The grader catalogue and the name of the file a student hands in for each exercise id, in one place:
// the student pack names its starters this way and class grading (`npm run grade -- --class DIR`) looks
// for these names in each student's folder. The name is the reference program's file name in
// exercises/<family>/ — the one `--program` replaces (for 9.5, the fix: bug-fixed.ts).
import * as fs from "node:fs";
import * as path from "node:path";
import type { Grader } from "./lib/grader.ts";
import { graders as mpiGraders } from "./mpi/index.ts";
import { graders as socketGraders } from "./sockets/index.ts";
import { graders as saladGraders } from "./salad/index.ts";

export const allGraders: Grader[] = [...mpiGraders, ...socketGraders, ...saladGraders];

/** Graders whose program is not their first reference (9.5's first reference is the buggy program it shows). */
const GRADED_REFERENCE: Record<string, number> = { "9.5": 1 };

/** The reference program `--program` replaces, relative to the project root. */
export function gradedReference(grader: Grader): string {
  const refs = [grader.reference].flat();
  return refs[GRADED_REFERENCE[grader.id] ?? 0];
}

/** The file name a student hands in for this exercise (e.g. "ring.ts" for 10.3). */
export function submissionFile(grader: Grader): string {
  return path.basename(gradedReference(grader));
}

/**
 * Where a student's folder holds the submission for this exercise: its file name at the top of the folder,
 * its place in a family folder (rpc/master.ts for S2), or its place in the whole pack (mpi/ring.ts,
 * salad/rpc/master.ts: the pack's layout, where `../common/` imports resolve); the first that is a
 * regular file (a link could point at what the grader, not the student, may read), else undefined.
 */
export function submissionIn(studentDir: string, grader: Grader): string | undefined {
  const inPack = gradedReference(grader).replace(/^exercises\//, "");
  const inFamily = inPack.replace(/^[^/]+\//, "");
  const candidates = [...new Set([submissionFile(grader), inFamily, inPack])].map((name) =>
    path.join(studentDir, name),
  );
  return candidates.find((file) => fs.existsSync(file) && fs.lstatSync(file).isFile());
}

/** Every exercise id with the file name its submission has. */
export function submissionFiles(graders: Grader[] = allGraders): { id: string; file: string }[] {
  return graders.map((g) => ({ id: g.id, file: submissionFile(g) }));
}

/**
 * Graders that run every student program through tsrun: the sandbox of such a program needs no network
 * at all (its ranks talk over Unix sockets), and a single `--program` run is sandboxed too. The socket and
 * salad graders talk to the student's servers themselves: in class grading they and the programs they
 * start share a network namespace of the job's own.
 */
export const tsrunGraders: Grader[] = mpiGraders;

/**
 * Exercise ids class grading refuses, each with the reason; every other id is graded for a class. None
 * today: exercise 5, whose grader starts the ring over SSH, gets its SSH hosts inside the job's sandbox.
 */
export const CLASS_REFUSED: Record<string, string> = {};

/** The graders class grading runs. */
export const classGraders: Grader[] = allGraders.filter((g) => !(g.id in CLASS_REFUSED));
