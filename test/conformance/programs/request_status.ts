// Conformance: mpi4py test/test_request.py (operations on REQUEST_NULL: tsmpi's null slots) and
// test/test_status.py (Status fields and counts). Both are local to each rank.
import * as mpi from "tsmpi";
import { Suite, check, eq } from "./lib/harness.ts";

const suite = new Suite();
await mpi.init();
const nulls = (): (mpi.Request | null)[] => [null, null, null, null, null];
const emptyStatus = (s: mpi.Status) => [s.source, s.tag, s.error];

suite.case("request.Waitany", async () => {
  const reqs = nulls();
  eq(await mpi.waitany(reqs), [mpi.UNDEFINED, undefined], "waitany(all null)");
  const st = new mpi.Status();
  eq(await mpi.waitany(reqs, st), [mpi.UNDEFINED, undefined], "waitany(all null, status)");
});

suite.case("request.Testany", () => {
  const reqs = nulls();
  const t = mpi.testany(reqs);
  eq([t.done, t.index, t.value], [true, mpi.UNDEFINED, undefined], "testany(all null)");
  const t2 = mpi.testany(reqs, new mpi.Status());
  eq([t2.done, t2.index], [true, mpi.UNDEFINED], "testany(all null, status)");
});

suite.case("request.Waitall", async () => {
  eq(await mpi.waitall(nulls()), [undefined, undefined, undefined, undefined, undefined], "waitall(all null)");
  const statuses = Array.from({ length: 5 }, () => new mpi.Status());
  eq((await mpi.waitall(nulls(), statuses)).length, 5, "waitall(all null, statuses)");
  eq(await mpi.waitall([]), [], "waitall([])");
});

suite.case("request.Testall", () => {
  const t = mpi.testall(nulls());
  eq([t.done, t.values], [true, [undefined, undefined, undefined, undefined, undefined]], "testall(all null)");
});

// mpi4py: Waitsome/Testsome over REQUEST_NULLs return None (outcount MPI_UNDEFINED), unlike [] for
// "active requests, none complete yet".
suite.case("request.Waitsome", async () => {
  const r = await mpi.waitsome(nulls());
  check(!Array.isArray(r.indices), `waitsome(all null) is None (MPI_UNDEFINED), got ${JSON.stringify(r)}`);
});

suite.case("request.Testsome", () => {
  const r = mpi.testsome(nulls());
  check(!Array.isArray(r.indices), `testsome(all null) is None (MPI_UNDEFINED), got ${JSON.stringify(r)}`);
});

suite.case("request.WaitTestCompleted", async () => {
  // mpi4py's testWait/testTest on a request that is already complete (tsmpi has no null Request object):
  // wait() gives no value, test() gives (True, None)
  const req = mpi.COMM_SELF.isend(1, mpi.PROC_NULL);
  const st = new mpi.Status();
  eq(await req.wait(), undefined, "wait()");
  eq(await req.wait(st), undefined, "wait(status)");
  eq(req.test(), { done: true, value: undefined }, "test()");
});

suite.case("status.DefaultFieldValues", () => {
  eq(emptyStatus(new mpi.Status()), [mpi.ANY_SOURCE, mpi.ANY_TAG, 0], "source, tag, error");
});

suite.case("status.GetCount", () => eq(new mpi.Status().getCount(mpi.BYTE), 0, "getCount(BYTE)"));
suite.case("status.GetElements", () => eq(new mpi.Status().getElements(mpi.BYTE), 0, "getElements(BYTE)"));

suite.case("status.SetElements", () => {
  // MPI_Status_set_elements(BYTE, 7): tsmpi's status.count is the size in bytes
  const s = new mpi.Status();
  s.count = 7;
  eq([s.getCount(mpi.BYTE), s.getElements(mpi.BYTE)], [7, 7], "count and elements of 7 bytes");
});

suite.case("status.IsCancelled", () => {
  const s = new mpi.Status();
  eq(typeof s.cancelled, "boolean", "cancelled is a boolean");
  eq(s.cancelled, false, "not cancelled");
  s.cancelled = true;
  eq(s.cancelled, true, "set cancelled");
});

suite.case("status.PyProps", () => {
  const s = new mpi.Status();
  s.source = 1;
  s.tag = 2;
  s.error = 3;
  eq(emptyStatus(s), [1, 2, 3], "fields set");
  eq(s.count, 0, "count defaults to 0");
  s.count = 7;
  eq(s.count, 7, "count set");
});

suite.case("status.CopyConstructor", () => {
  const s = new mpi.Status();
  Object.assign(s, { source: 1, tag: 2, error: 3, count: 7, cancelled: true });
  const copy = new mpi.Status().assign(s);
  eq([...emptyStatus(copy), copy.getCount(mpi.BYTE), copy.getElements(mpi.BYTE), copy.cancelled], [1, 2, 3, 7, 7, true], "copied fields");
});

suite.case("status.OfReceive", async () => {
  // the status a receive fills (test_p2p's status checks): source, tag, count in items of a type
  const comm = mpi.COMM_WORLD;
  const st = new mpi.Status();
  const req = comm.isend(mpi.buf(new Float64Array(3)), comm.rank, 5);
  await comm.recvInto(mpi.buf(new Float64Array(4)), comm.rank, 5, st);
  await req.wait();
  eq([st.source, st.tag, st.count, st.getCount(mpi.FLOAT64), st.getCount(mpi.FLOAT32), st.getCount(mpi.Datatype.contiguous(2, mpi.FLOAT64))], [comm.rank, 5, 24, 3, 6, mpi.UNDEFINED], "status fields");
});

await suite.run();
