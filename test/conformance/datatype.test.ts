// mpi4py's test_datatype.py, ported (programs/datatype.ts), through the real tsrun (a cut of nps; `npm run conformance` runs np 1–5).
import { describeConformance } from "./lib/describe.ts";

describeConformance("datatype", { nps: [1], minCases: 14 });
