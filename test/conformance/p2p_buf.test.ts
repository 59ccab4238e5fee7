// mpi4py's test_p2p_buf.py, ported (programs/p2p_buf.ts), through the real tsrun (a cut of nps; `npm run conformance` runs np 1–5).
import { describeConformance } from "./lib/describe.ts";

describeConformance("p2p_buf", { nps: [1, 2, 5], minCases: 36 });
