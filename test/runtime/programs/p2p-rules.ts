// Test program: MPI point-to-point rules between ranks 0 and 1 (others idle): non-overtaking with wildcards,
// probe does not consume, PROC_NULL, ssend completes only once matched, cancel, waitany/testall, status,
// buffer mode, and the error classes. Prints one JSON object of named checks from rank 0.
import * as mpi from "tsmpi";

const comm = await mpi.init();
const checks: Record<string, unknown> = {};
const code = async (f: () => unknown) => {
  try {
    await f();
    return "no error";
  } catch (err) {
    return `${(err as mpi.MpiError).code} ${(err as Error).message}`;
  }
};

if (comm.rank === 0) {
  for (let i = 0; i < 50; i++) await comm.send(i, 1, i % 3);
  const ssendDone = comm.issend("sync", 1, 7);
  const notice = comm.irecv(1, 8);
  await ssendDone.wait();
  checks.ssendAfterMatch = notice.test().done;
  await notice.wait();
  await comm.send(new Float64Array([1, 2, 3, 4]), 1, 9);
  await comm.send(mpi.buf(new Int32Array([5, 6, 7])), 1, 10);
  await comm.send(new Float64Array(8), 1, 11);
  await comm.send(new Float64Array(2), 1, 12);
  const big = new Uint8Array(4 * 1024 * 1024).map((_, i) => i % 251);
  await comm.send(big, 1, 13);
  const r = comm.irecv(1, 99);
  r.cancel();
  const st = new mpi.Status();
  await r.wait(st);
  checks.cancelled = st.cancelled;
  checks.procNullSend = await code(() => comm.send(1, mpi.PROC_NULL));
  const s2 = new mpi.Status();
  checks.procNullRecv = [await comm.recv(mpi.PROC_NULL, 0, s2), s2.source];
  checks.badRank = await code(() => comm.send(1, comm.size));
  checks.badTag = await code(() => comm.send(1, 1, -4));
  checks.badRecvTag = await code(() => comm.recv(0, 2 ** 31));
  const reqs = [comm.irecv(1, 20), comm.irecv(1, 21)];
  checks.testallBefore = mpi.testall(reqs).done;
  await comm.send("go", 1, 19);
  const list: (mpi.Request | null)[] = [...reqs];
  const [index, value] = await mpi.waitany(list);
  checks.waitany = [index, value];
  checks.waitall = await mpi.waitall(reqs);
  checks.sendrecv = await comm.sendrecv("from 0", 1, 30, 1, 31);
} else if (comm.rank === 1) {
  // Wildcard receives still get messages from one sender in the order sent.
  const order: number[] = [];
  await comm.probe(0, mpi.ANY_TAG);
  const st = new mpi.Status();
  checks.iprobe = comm.iprobe(0, mpi.ANY_TAG, st) && st.source === 0;
  for (let i = 0; i < 50; i++) order.push((await comm.recv(mpi.ANY_SOURCE, mpi.ANY_TAG)) as number);
  checks.nonOvertaking = order.every((v, i) => v === i);
  await comm.send("about to receive", 0, 8);
  await comm.recv(0, 7);
  const s9 = new mpi.Status();
  const f = (await comm.recv(0, 9, s9)) as Float64Array;
  checks.status = [s9.source, s9.tag, s9.count, s9.getCount(mpi.FLOAT64), s9.getCount(mpi.INT32), f instanceof Float64Array];
  const into = new Int32Array(5);
  await comm.recvInto(mpi.buf(into, mpi.INT32, 3, 1), 0, 10);
  checks.recvInto = Array.from(into);
  checks.truncate = await code(() => comm.recvInto(mpi.buf(new Float64Array(4)), 0, 11));
  checks.typeMismatch = await code(() => comm.recvInto(mpi.buf(new Int32Array(4)), 0, 12));
  checks.bareArray = await code(() => comm.recvInto(new Uint8Array(4) as unknown as mpi.BufSpec, 0, 12));
  checks.bareArrayNonblocking = await code(() => comm.irecvInto(new Uint8Array(4) as unknown as mpi.BufSpec, 0, 12));
  const big = (await comm.recv(0, 13)) as Uint8Array;
  checks.bigIntact = big.length === 4 * 1024 * 1024 && big.every((b, i) => b === i % 251);
  await comm.recv(0, 19);
  await comm.send("twenty-one", 0, 21);
  await comm.send("twenty", 0, 20);
  checks.sendrecv = await comm.sendrecv("from 1", 0, 31, 0, 30);
}
console.log(JSON.stringify({ rank: comm.rank, checks }));
await mpi.finalize();
