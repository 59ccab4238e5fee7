// Conformance: mpi4py test/test_cco_buf.py (blocking buffer-mode collectives, plain and in place, and
// reduceLocal), on COMM_SELF, COMM_WORLD and a dup of each.
import * as mpi from "tsmpi";
import { Suite, standardComms } from "./lib/harness.ts";
import { blockingColl, registerCcoBuf } from "./lib/cco-buf-cases.ts";
import { registerInPlace, registerReduceLocal } from "./lib/cco-inplace-cases.ts";

const suite = new Suite();
await mpi.init();
for (const [cname, comm] of await standardComms()) {
  registerCcoBuf(suite, cname, comm, blockingColl(comm));
  if (cname === "SELF" || cname === "WORLD") registerInPlace(suite, cname, comm, blockingColl(comm), { alltoall: true, sameBuffer: true, counts: () => [1, 2, 3, 4, 5, 6, 7, 8, 9] });
}
registerReduceLocal(suite);
await suite.run();
