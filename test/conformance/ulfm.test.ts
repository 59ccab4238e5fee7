// mpi4py's test_ulfm.py, ported (programs/ulfm.ts), through the real tsrun.
import { describeConformance } from "./lib/describe.ts";

describeConformance("ulfm", { nps: [1, 2, 3, 4, 5], minCases: 10 });
