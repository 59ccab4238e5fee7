// mpi4py's test_cco_buf.py, ported (programs/cco_buf.ts), through the real tsrun (a cut of nps; `npm run conformance` runs np 1–5).
import { describeConformance } from "./lib/describe.ts";

describeConformance("cco_buf", { nps: [1, 3, 4], minCases: 74 });
