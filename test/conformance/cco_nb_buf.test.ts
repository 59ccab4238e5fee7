// mpi4py's test_cco_nb_buf.py, ported (programs/cco_nb_buf.ts), through the real tsrun (a cut of nps; `npm run conformance` runs np 1–5).
import { describeConformance } from "./lib/describe.ts";

describeConformance("cco_nb_buf", { nps: [2, 5], minCases: 62 });
