// mpi4py's test_datatype.py, ported (programs/datatype.ts), through the real tsrun (local cases: a cut of nps).
import { describeConformance } from "./lib/describe.ts";

describeConformance("datatype", { nps: [1, 3], minCases: 14 });
