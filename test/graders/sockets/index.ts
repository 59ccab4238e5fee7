// The sockets exercise graders (lab book part 1: exercises 1.1 to 8), registered for `npm run grade`.
import type { Grader } from "../lib/grader.ts";
import { electionGrader } from "./election.ts";
import { failureDetectorGrader } from "./failure-detector.ts";
import { fingerGrader } from "./finger.ts";
import { mailGrader } from "./mail.ts";
import { mutexGrader } from "./mutex.ts";
import { ringSshGrader } from "./ring-ssh.ts";
import { snapshotGrader } from "./snapshot.ts";
import { checkpointGrader } from "./checkpoint.ts";
import { tcpGrader } from "./tcp.ts";
import { udpGrader } from "./udp.ts";

export const graders: Grader[] = [
  udpGrader,
  tcpGrader,
  fingerGrader,
  mailGrader,
  mutexGrader,
  ringSshGrader,
  electionGrader,
  failureDetectorGrader,
  checkpointGrader,
  snapshotGrader,
];
