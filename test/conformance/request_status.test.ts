// mpi4py's test_request.py and test_status.py, ported (programs/request_status.ts), through the real tsrun (a cut of nps; `npm run conformance` runs np 1–5).
import { describeConformance } from "./lib/describe.ts";

// waitsome/testsome over an all-null list return { indices: [] } where mpi4py returns None
// (MPI_UNDEFINED), so a caller cannot tell "nothing active" from "nothing complete yet".
const knownFailures = () => [];
describeConformance("request_status", { nps: [1, 2], minCases: 15, knownFailures });
