// mpi4py's test_comm.py and test_group.py, ported (programs/comm_group.ts), through the real tsrun at np 1–5.
import { describeConformance } from "./lib/describe.ts";

describeConformance("comm_group", { nps: [1, 2, 3, 4, 5], minCases: 75 });
