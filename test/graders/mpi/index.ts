// The MPI exercise graders (lab book part 2, exercises 9.2 to 13.4), registered for `npm run grade`.
// Exercises with several programs have one id per program (11.4-star, 11.4-binomial, …), so that
// `--program` grades a student's file against the right one; exercises/mpi/README.md lists them.
import type { Grader } from "../lib/grader.ts";
import { bugGrader } from "./bug.ts";
import { exchangeGrader } from "./exchange.ts";
import { helloGrader } from "./hello.ts";
import { pingpongGrader, pingpongNonblockingGrader } from "./pingpong.ts";
import { ringGrader } from "./ring.ts";

export const graders: Grader[] = [helloGrader, bugGrader, pingpongGrader, pingpongNonblockingGrader, exchangeGrader, ringGrader];
