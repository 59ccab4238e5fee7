// mpi4py's test_comm.py and test_group.py, ported (programs/comm_group.ts), through the real tsrun (a cut of nps; `npm run conformance` runs np 1–5).
import { describeConformance } from "./lib/describe.ts";

describeConformance("comm_group", { nps: [1, 4], minCases: 75 });
