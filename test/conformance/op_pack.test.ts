// mpi4py's test_op.py and test_pack.py, ported (programs/op_pack.ts), through the real tsrun (a cut of nps; `npm run conformance` runs np 1–5).
import { describeConformance } from "./lib/describe.ts";

describeConformance("op_pack", { nps: [1, 3], minCases: 13 });
