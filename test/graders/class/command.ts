// The command-line side of `npm run grade -- --class DIR [ids…] [--out OUT] [--jobs N]`: checks the
// options, grades the class (index.ts) and prints the summary line; a clear error instead of a stack, and
// an interrupted run that leaves nothing behind.
import { ClassError, gradeClass, type ClassOptions } from "./index.ts";
import { interruptWorkers } from "./jobs.ts";

export async function gradeClassCommand(o: {
  dir: string;
  ids: string[];
  out?: string;
  jobs?: number;
  np?: string;
  force?: boolean;
}): Promise<number> {
  const np = o.np?.split(",").map(Number);
  if (np?.some((n) => !Number.isInteger(n) || n < 1)) {
    console.error(`grade: --np takes positive integers separated by commas, got "${o.np}"`);
    return 2;
  }
  if (o.jobs !== undefined && (!Number.isInteger(o.jobs) || o.jobs < 1)) {
    console.error(`grade: --jobs takes a positive integer, got "${o.jobs}"`);
    return 2;
  }
  const options: ClassOptions = { dir: o.dir, ids: o.ids, out: o.out, jobs: o.jobs, np, force: o.force };
  // interrupted (Ctrl-C), the command exits through its exit handlers: no job directory is left
  const signals = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    const code = signals[signal as keyof typeof signals];
    if (interrupted) process.exit(code); // a second Ctrl-C: at once
    interrupted = true;
    console.error(`grade: interrupted (${signal}); stopping the running jobs, the results so far are in the database`);
    void interruptWorkers(signal, 15_000).finally(() => process.exit(code));
  };
  for (const signal of Object.keys(signals)) process.on(signal, onSignal);
  try {
    const result = await gradeClass(options);
    console.log(`grade: ${result.summary}`);
    return 0;
  } catch (err) {
    if (err instanceof ClassError) {
      console.error(`grade: ${err.message}`);
      return 2;
    }
    throw err;
  } finally {
    for (const signal of Object.keys(signals)) process.off(signal, onSignal);
  }
}
