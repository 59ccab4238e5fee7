// mpi4py's test_cco_obj.py, ported (programs/cco_obj.ts), through the real tsrun (a cut of nps; `npm run conformance` runs np 1–5).
import { describeConformance } from "./lib/describe.ts";

describeConformance("cco_obj", { nps: [1, 3, 5], minCases: 40 });
