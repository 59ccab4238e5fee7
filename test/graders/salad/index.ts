// The salad exercise graders, registered for `npm run grade`.
import type { Grader } from "../lib/grader.ts";

export const graders: Grader[] = [];
