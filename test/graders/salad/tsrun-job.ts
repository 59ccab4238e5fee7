// Salad graders S1, S4, S6: run a salad program under the real launcher (`tsrun -np N --timeout S prog.ts
// args`, never imported) as a live process whose output can be awaited line by line, and say in one line
// how a job ended (tsrun's own report on stderr: a deadlock, a timeout, a rank that died).
import * as path from "node:path";
import { fail } from "../lib/grader.ts";
import { projectRoot, tsrunBin } from "../lib/run.ts";
import type { Live, Processes } from "./lib/proc.ts";

export interface TsrunJob {
  live: Live;
  /** The command as a student would type it, for messages. */
  command: string;
  /** tsrun's --timeout: past it tsrun stops the job and says what each rank was doing. */
  timeoutS: number;
}

/** Starts `tsrun -np <np> --timeout <timeoutS> [tsrunArgs] <program> [programArgs]`. */
export function startTsrun(
  procs: Processes,
  program: string,
  np: number,
  programArgs: string[],
  { tsrunArgs = [], timeoutS = 45 }: { tsrunArgs?: string[]; timeoutS?: number } = {},
): TsrunJob {
  const shown = path.relative(projectRoot, program) || program;
  const command = ["tsrun -np", np, ...tsrunArgs, shown, ...programArgs].join(" ");
  const live = procs.start(`\`${command}\``, tsrunBin, [
    "-np",
    String(np),
    "--timeout",
    String(timeoutS),
    ...tsrunArgs,
    program,
    ...programArgs,
  ]);
  return { live, command, timeoutS };
}

/** tsrun's lines on stderr (its report of the job), else the program's last stderr lines, shortened. */
export function stderrSummary(live: Live, max = 400): string {
  const lines = live.stderr
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const tsrun = lines.filter((l) => l.startsWith("tsrun:"));
  const chosen = (tsrun.length ? tsrun : lines.filter((l) => !l.startsWith("at ")).slice(-3)).join(" | ");
  return chosen.length > max ? `${chosen.slice(0, max)}…` : chosen;
}

/** How the job ended, in words: "exited with code 124 (tsrun: …)". */
export function endedHow(job: TsrunJob): string {
  const exit = job.live.exitInfo;
  if (!exit) return `${job.command} is still running`;
  const how = exit.signal
    ? `was killed by ${exit.signal}`
    : exit.code === 124
      ? `was stopped by tsrun --timeout ${job.timeoutS} (it hung)`
      : `exited with code ${exit.code}`;
  const said = stderrSummary(job.live);
  return `${job.command} ${how}${said ? ` (${said})` : ""}`;
}

/** Waits for the job to end (hang guard past tsrun's own --timeout); fails unless it exits 0. */
export async function expectJobSuccess(job: TsrunJob, hint = ""): Promise<void> {
  const exit = await job.live.finished((job.timeoutS + 30) * 1000);
  if (exit.code !== 0) fail(endedHow(job), "exit code 0", hint);
}

/** The number in the job's `TOTAL <units>` line, or a failure saying it is missing. */
export function totalUnits(live: Live, who: string): number {
  const line = live.lines(/^TOTAL /)[0];
  const units = line ? Number(line.split(" ")[1]) : NaN;
  if (!Number.isFinite(units))
    fail(`no \`TOTAL <units>\` line from ${who}`, "one line `TOTAL <units>` when the salad is ready");
  return units;
}
