// Conformance: mpi4py test/test_cco_nb_buf.py (nonblocking buffer-mode collectives: i*Into + wait,
// plain and in place), on COMM_SELF, COMM_WORLD and a dup of each.
import * as mpi from "tsmpi";
import { Suite, standardComms } from "./lib/harness.ts";
import { nonblockingColl, registerCcoBuf } from "./lib/cco-buf-cases.ts";
import { registerInPlace } from "./lib/cco-inplace-cases.ts";

const suite = new Suite();
await mpi.init();
for (const [cname, comm] of await standardComms()) {
  const coll = nonblockingColl(comm);
  // the nonblocking file's barrier is ibarrier
  suite.case(`Ibarrier[${cname}]`, () => comm.ibarrier().wait());
  registerCcoBuf(suite, cname, comm, coll);
  if (cname === "SELF" || cname === "WORLD") registerInPlace(suite, cname, comm, coll, { alltoall: false, sameBuffer: false, counts: (root) => [root + 3] });
}
await suite.run();
