// The salad exercise graders, registered for `npm run grade` (ids S0–S7; exercises/salad/README.md).
// Shared helpers for salad graders: lib/oracle.ts (the S0 oracle, every-fruit-once) and lib/proc.ts.
// S4-broker runs S4 through a private mosquitto (mosquitto.ts). S1, S4 and S6 run under tsrun (tsrun-job.ts: a live `tsrun -np N` job and how it ended).
import type { Grader } from "../lib/grader.ts";
import { s0 } from "./s0-seq.ts";
import { s2 } from "./s2-rpc.ts";
import { s3 } from "./s3-counter.ts";
import { s5 } from "./s5-blockchain.ts";
import { s7 } from "./s7-rest.ts";
import { s1 } from "./s1-master-worker.ts";
import { s4, s4Broker } from "./s4-lamport.ts";
import { s6 } from "./s6-fault-tolerant.ts";

export const graders: Grader[] = [s0, s2, s3, s5, s7, s1, s4, s4Broker, s6];
