// The MPI exercise graders (lab book part 2, exercises 9.2 to 13.4), registered for `npm run grade`.
// Exercises with several programs have one id per program (11.4-star, 11.4-binomial, …), so that
// `--program` grades a student's file against the right one; exercises/mpi/README.md lists them.
import type { Grader } from "../lib/grader.ts";
import { alltoallGrader } from "./alltoall.ts";
import { bugGrader } from "./bug.ts";
import { bcastPidGrader, normalizeGrader, reduceMaxGrader, scatterGatherGrader } from "./collectives.ts";
import { contiguousGrader, vectorGrader } from "./datatypes.ts";
import { exchangeGrader } from "./exchange.ts";
import { helloGrader } from "./hello.ts";
import { dynamicGrader, staticGrader } from "./master-worker.ts";
import { pingpongGrader, pingpongNonblockingGrader } from "./pingpong.ts";
import { intermediaryGrader, irregularMaxGrader, rmaRingGrader, seedGrader } from "./rma.ts";
import { ringGrader } from "./ring.ts";
import { transposeGrader } from "./transpose.ts";
import {
  bcastBinomialGrader,
  bcastStarGrader,
  scatterBinaryGrader,
  scatterBinomialGrader,
  scatterLinearGrader,
} from "./trees.ts";

export const graders: Grader[] = [
  helloGrader,
  bugGrader,
  pingpongGrader,
  pingpongNonblockingGrader,
  exchangeGrader,
  ringGrader,
  bcastPidGrader,
  reduceMaxGrader,
  scatterGatherGrader,
  bcastStarGrader,
  bcastBinomialGrader,
  scatterLinearGrader,
  scatterBinomialGrader,
  scatterBinaryGrader,
  alltoallGrader,
  normalizeGrader,
  contiguousGrader,
  vectorGrader,
  transposeGrader,
  staticGrader,
  dynamicGrader,
  intermediaryGrader,
  rmaRingGrader,
  seedGrader,
  irregularMaxGrader,
];
