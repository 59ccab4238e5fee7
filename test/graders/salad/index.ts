// The salad exercise graders, registered for `npm run grade` (ids S0–S7; shared/EXERCISES.md "Salad").
// Shared helpers for salad graders: lib/oracle.ts (the S0 oracle, every-fruit-once) and lib/proc.ts.
import type { Grader } from "../lib/grader.ts";
import { s0 } from "./s0-seq.ts";
import { s2 } from "./s2-rpc.ts";

export const graders: Grader[] = [s0, s2];
