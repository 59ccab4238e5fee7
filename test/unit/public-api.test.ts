// The public surface of `import * as mpi from "tsmpi"`, pinned: a name appears here only on purpose. Adding an
// MPI name to runtime/index.ts means adding it here (and to docs/api.md); an internal helper never belongs.
import { describe, expect, it } from "vitest";
import * as mpi from "../../runtime/index.ts";

const PUBLIC = [
  "ANY_SOURCE", "ANY_TAG", "BAND", "BOR", "BSEND_OVERHEAD", "BXOR", "BYTE", "BufSpec", "COMM_NULL",
  "COMM_SELF", "COMM_WORLD", "CONGRUENT", "Cartcomm", "Comm", "DATATYPE_NULL", "Datatype", "ERRORS_ARE_FATAL",
  "ERRORS_RETURN", "ERR_ARG", "ERR_COMM", "ERR_COUNT", "ERR_DEADLOCK", "ERR_OP", "ERR_PROC_FAILED",
  "ERR_PROTOCOL", "ERR_RANK", "ERR_RMA_RANGE", "ERR_RMA_SYNC", "ERR_ROOT", "ERR_TAG", "ERR_TIMEOUT",
  "ERR_TRUNCATE", "ERR_TYPE", "ERR_WIN", "ErrorCode", "FLOAT32", "FLOAT32_INT", "FLOAT64", "FLOAT64_INT",
  "GROUP_EMPTY", "Group", "IDENT", "INT16", "INT32", "INT32_INT", "INT64", "INT8", "IN_PLACE", "Intracomm",
  "LAND", "LOCK_EXCLUSIVE", "LOCK_SHARED", "LOR", "LXOR", "MAX", "MAXLOC", "MIN", "MINLOC", "MODE_NOCHECK",
  "MODE_NOPRECEDE", "MODE_NOPUT", "MODE_NOSTORE", "MODE_NOSUCCEED", "Message", "MpiError", "NO_OP", "ORDER_C",
  "ORDER_FORTRAN", "Op", "PROC_NULL", "PROD", "PersistentRequest", "ProcessFailedError", "REPLACE", "REQUEST_NULL", "ROOT",
  "Request", "SIMILAR", "SUM", "Status", "TAG_UB", "UINT16", "UINT32", "UINT64", "UINT8", "UNDEFINED",
  "UNEQUAL", "Win", "attachBuffer", "buf", "compare", "computeDims", "crash", "detachBuffer", "finalize",
  "finalized", "getCount", "getElements", "init", "initialized", "mark", "pack", "packSize", "processorName",
  "reduceLocal", "startall", "testall", "testany", "testsome", "unpack", "waitall", "waitany", "waitsome",
  "wtick", "wtime"
];

describe("the public API", () => {
  it("exports exactly the MPI names listed, nothing internal", () => {
    expect(Object.keys(mpi).sort()).toEqual([...PUBLIC].sort());
  });
});
