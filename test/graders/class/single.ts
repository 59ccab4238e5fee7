// `npm run grade -- <id> --program FILE`: the student's file runs in the same sandbox as in class
// grading when bubblewrap is installed and the exercise's grader runs it through tsrun; otherwise it runs
// as the teacher's own user, with a warning saying so and how to install bubblewrap.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Grader } from "../lib/grader.ts";
import { projectRoot } from "../lib/run.ts";
import { sandboxedGraders } from "../submissions.ts";
import { BWRAP_INSTALL, DEFAULT_LIMITS, hasBubblewrap, prepareJobDir } from "./sandbox.ts";
import { wrapInSandbox } from "./worker.ts";

const SLOT_UID = 200_000;

export function sandboxSingleProgram(grader: Grader, program: string): void {
  if (!hasBubblewrap()) {
    console.error(`grade: warning: ${path.basename(program)} runs unsandboxed, as you, with your files and network in reach (install bubblewrap to sandbox it: ${BWRAP_INSTALL})`);
    return;
  }
  if (!sandboxedGraders.includes(grader)) {
    console.error(`grade: warning: the ${grader.id} grader starts ${path.basename(program)} outside the sandbox (only tsrun-run exercises are sandboxed)`);
    return;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "tsmpi-grade-sandbox-"));
  fs.chmodSync(work, 0o711);
  process.on("exit", () => fs.rmSync(work, { recursive: true, force: true }));
  const uid = process.getuid?.() === 0 ? SLOT_UID : undefined;
  const jobDir = path.join(work, "job");
  prepareJobDir(jobDir, uid);
  process.env.TMPDIR = jobDir; // runMpi's scratch directories go there, inside the sandbox's reach
  wrapInSandbox({ id: grader.id, program, studentDir: path.dirname(program), jobDir, projectRoot, limits: DEFAULT_LIMITS, uid, traceOut: "", traceLink: "", sandbox: true });
}
