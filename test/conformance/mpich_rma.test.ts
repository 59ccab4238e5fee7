// MPICH test/mpi/rma synchronisation cases, ported (programs/mpich_rma.ts), through the real tsrun.
import { describeConformance } from "./lib/describe.ts";

describeConformance("mpich_rma", { nps: [1, 2, 3, 4, 5], minCases: 5 });
