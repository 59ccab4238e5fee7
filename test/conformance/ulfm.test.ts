// mpi4py's test_ulfm.py, ported (programs/ulfm.ts), through the real tsrun (a cut of nps; `npm run conformance` runs np 1–5).
import { describeConformance } from "./lib/describe.ts";

describeConformance("ulfm", { nps: [1, 3], minCases: 10 });
