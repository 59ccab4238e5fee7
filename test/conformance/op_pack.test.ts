// mpi4py's test_op.py and test_pack.py, ported (programs/op_pack.ts), through the real tsrun.
import { describeConformance } from "./lib/describe.ts";

describeConformance("op_pack", { nps: [1, 2, 3, 4, 5], minCases: 13 });
