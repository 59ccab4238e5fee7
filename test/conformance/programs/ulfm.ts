// Conformance: mpi4py test/test_ulfm.py (fault-tolerance calls with no failure: isRevoked, revoke,
// failed ranks, ack, shrink) on a dup of COMM_SELF and of COMM_WORLD with ERRORS_RETURN, as the original.
import * as mpi from "tsmpi";
import { Suite, eq, throwsCode } from "./lib/harness.ts";

const suite = new Suite();
await mpi.init();
for (const [cname, base] of [["SELF", mpi.COMM_SELF], ["WORLD", mpi.COMM_WORLD]] as const) {
  const c = (name: string, body: (comm: mpi.Intracomm) => Promise<void> | void) =>
    suite.case(`${name}[${cname}]`, async () => {
      const comm = await base.dup();
      comm.setErrhandler(mpi.ERRORS_RETURN);
      await body(comm);
      if (!comm.isRevoked()) await comm.free();
    });

  c("IsRevoked", (comm) => eq(comm.isRevoked(), false, "a new communicator is not revoked"));
  c("Revoke", async (comm) => {
    comm.revoke();
    eq(comm.isRevoked(), true, "revoked");
    await throwsCode("ERR_REVOKED", "barrier on a revoked communicator", () => comm.barrier());
    await throwsCode("ERR_REVOKED", "send to PROC_NULL on a revoked communicator", () => comm.send(mpi.buf(new Uint8Array(0)), mpi.PROC_NULL));
    await throwsCode("ERR_REVOKED", "recv from PROC_NULL on a revoked communicator", () => comm.recvInto(mpi.buf(new Uint8Array(0)), mpi.PROC_NULL));
  });
  c("GetFailed", (comm) => {
    eq(comm.failedRanks(), [], "no failed rank (failedRanks(), MPIX_Comm_get_failed)");
  });
  c("AckFailed", (comm) => {
    eq(comm.ack(), [], "nothing to acknowledge");
    eq(comm.getAcked(), [], "nothing acknowledged");
  });
  c("Shrink", async (comm) => {
    const shrunk = await comm.shrink();
    eq([shrunk.size, shrunk.rank], [comm.size, comm.rank], "shrink without failures keeps every rank");
    await shrunk.free();
  });
}
await suite.run();
