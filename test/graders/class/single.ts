// `npm run grade -- <id> --program FILE`: the student's file runs in the same sandbox as in class
// grading when bubblewrap is installed and the exercise's grader runs it through tsrun; otherwise it runs
// as the teacher's own user, with a warning saying so and how to install bubblewrap.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Grader } from "../lib/grader.ts";
import { projectRoot } from "../lib/run.ts";
import { tsrunGraders } from "../submissions.ts";
import { BWRAP_INSTALL, DEFAULT_LIMITS, hasBubblewrap, prepareJobDir } from "./sandbox.ts";
import { wrapInSandbox } from "./worker.ts";

const SLOT_UID = 200_000;

/** True when a user with no rights but "others" can reach and read `file`. */
function readableByOthers(file: string): boolean {
  const real = fs.realpathSync(file);
  if ((fs.statSync(real).mode & 0o004) === 0) return false;
  for (let dir = path.dirname(real); ; dir = path.dirname(dir)) {
    const mode = fs.statSync(dir).mode;
    if ((mode & 0o001) === 0 || (dir === path.dirname(real) && (mode & 0o004) === 0)) return false;
    if (dir === path.dirname(dir)) return true;
  }
}

export function sandboxSingleProgram(grader: Grader, program: string): void {
  if (!hasBubblewrap()) {
    console.error(
      `grade: warning: ${path.basename(program)} runs unsandboxed, as you, with your files and network in reach (install bubblewrap to sandbox it: ${BWRAP_INSTALL})`,
    );
    return;
  }
  if (!tsrunGraders.includes(grader)) {
    console.error(
      `grade: warning: the ${grader.id} grader starts ${path.basename(program)} outside the sandbox (a single run sandboxes only tsrun-run exercises; \`--class\` sandboxes every exercise)`,
    );
    return;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "tsmpi-grade-sandbox-"));
  fs.chmodSync(work, 0o711);
  process.on("exit", () => fs.rmSync(work, { recursive: true, force: true }));
  // As root, the run drops to an unprivileged uid (so that the process limit applies) only when that uid can
  // read the program where it lies; a file in a private folder (a teacher's 0700 temporary folder) is run
  // as root inside the sandbox instead, still without network, other files or a way out of its PID space.
  const uid = process.getuid?.() === 0 && readableByOthers(program) ? SLOT_UID : undefined;
  const jobDir = path.join(work, "job");
  prepareJobDir(jobDir, uid);
  process.env.TMPDIR = jobDir; // runMpi's scratch directories go there, inside the sandbox's reach
  wrapInSandbox({
    id: grader.id,
    program,
    studentDir: path.dirname(program),
    jobDir,
    projectRoot,
    limits: DEFAULT_LIMITS,
    uid,
    traceOut: "",
    traceLink: "",
    sandbox: true,
  });
}
