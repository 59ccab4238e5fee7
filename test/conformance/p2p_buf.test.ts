// mpi4py's test_p2p_buf.py, ported (programs/p2p_buf.ts), through the real tsrun at np 1–5.
import { describeConformance } from "./lib/describe.ts";

describeConformance("p2p_buf", { nps: [1, 2, 3, 4, 5], minCases: 36 });
