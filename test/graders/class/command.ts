// The command-line side of `npm run grade -- --class DIR [ids…] [--out OUT] [--jobs N]`: checks the
// options, grades the class (index.ts) and prints the summary line; a clear error instead of a stack.
import { ClassError, gradeClass, type ClassOptions } from "./index.ts";

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
  }
}
