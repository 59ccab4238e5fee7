// mpi4py's test_rma.py, ported (programs/rma.ts), through the real tsrun (a cut of nps; `npm run conformance` runs np 1–5).
import { describeConformance } from "./lib/describe.ts";

describeConformance("rma", { nps: [1, 3], minCases: 37 });
