// mpi4py's test_cco_nb_buf.py, ported (programs/cco_nb_buf.ts), through the real tsrun at np 1–5.
import { describeConformance } from "./lib/describe.ts";

describeConformance("cco_nb_buf", { nps: [1, 2, 3, 4, 5], minCases: 62 });
