// MPICH test/mpi point-to-point cases (matching order, probes, truncation), ported (programs/mpich_pt2pt.ts).
import { describeConformance } from "./lib/describe.ts";

describeConformance("mpich_pt2pt", { nps: [2, 5], minCases: 11 });
