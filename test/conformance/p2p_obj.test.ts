// mpi4py's test_p2p_obj.py, ported (programs/p2p_obj.ts), through the real tsrun (a cut of nps; `npm run conformance` runs np 1–5).
import { describeConformance } from "./lib/describe.ts";

describeConformance("p2p_obj", { nps: [1, 2, 5], minCases: 88 });
