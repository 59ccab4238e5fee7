// MPICH test/mpi/rma synchronisation cases, ported (programs/mpich_rma.ts), through the real tsrun (a cut of nps; `npm run conformance` runs np 1–5).
import { describeConformance } from "./lib/describe.ts";

describeConformance("mpich_rma", { nps: [3, 4], minCases: 5 });
