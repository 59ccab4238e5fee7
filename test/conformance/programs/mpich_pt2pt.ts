// Conformance: MPICH test/mpi point-to-point cases on matching order, probes and truncation:
// pt2pt/probe_unexp.c, anyall.c, sendflood.c, probenull.c, cancelrecv.c, recvnull.c, waitany_null.c,
// isendselfprobe.c, mprobe.c (self part), and errors/pt2pt/truncmsg1.c. Loop counts and sizes are the
// originals under CONFORMANCE_FULL=1, smaller by default (the default is stated next to each).
import * as mpi from "tsmpi";
import { Suite, check, eq, throwsCode } from "./lib/harness.ts";

const suite = new Suite();
const comm = await mpi.init();
const full = process.env.CONFORMANCE_FULL === "1";
const { rank, size } = comm;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

suite.case("probe_unexp", async () => {
  // every rank sends an empty message to 0, 0 answers each with a message of the probed size
  const maxLg = full ? 22 : 16;
  const perSize = 5;
  for (let lg = 0; lg <= maxLg; lg++) {
    const msgSize = 1 << lg;
    for (let k = 0; k < perSize; k++) {
      const tag = lg * perSize + k;
      const st = new mpi.Status();
      if (rank === 0) {
        for (let p = 1; p < size; p++) {
          await comm.recvInto(mpi.buf(new Uint8Array(0)), mpi.ANY_SOURCE, tag, st);
          eq(st.tag, tag, "tag of the empty message");
          await comm.send(mpi.buf(new Uint8Array(msgSize)), st.source, st.tag);
        }
      } else {
        await comm.send(mpi.buf(new Uint8Array(0)), 0, tag);
        await comm.probe(mpi.ANY_SOURCE, mpi.ANY_TAG, st);
        eq([st.source, st.tag, st.getCount(mpi.BYTE)], [0, tag, msgSize], `probe of ${msgSize} bytes`);
        await comm.recvInto(mpi.buf(new Uint8Array(msgSize)), 0, tag, st);
        eq([st.source, st.tag, st.getCount(mpi.BYTE)], [0, tag, msgSize], `recv of ${msgSize} bytes`);
      }
    }
  }
});

suite.case("anyall", async () => {
  // 30 ANY_SOURCE/ANY_TAG receives of decreasing length, posted before the sends: waitany matches them in order
  const MAX = 30;
  if (size < 2) return;
  if (rank === 0) {
    await comm.barrier();
    for (let i = 0; i < MAX; i++) await comm.send(mpi.buf(Int32Array.from(range(MAX - i), (j) => i * MAX + j)), 1, 3);
  } else if (rank === 1) {
    const bufs = range(MAX).map((i) => new Int32Array(MAX - i).fill(-1));
    const reqs: (mpi.Request | null)[] = bufs.map((b) => comm.irecvInto(mpi.buf(b), mpi.ANY_SOURCE, mpi.ANY_TAG));
    await comm.barrier();
    for (let i = 0; i < MAX; i++) {
      const st = new mpi.Status();
      const [idx] = await mpi.waitany(reqs, st);
      eq(st.getCount(mpi.INT32), MAX - idx, `count of message ${idx}`);
      eq(Array.from(bufs[idx]), range(MAX - idx).map((j) => idx * MAX + j), `contents of message ${idx}`);
    }
  } else await comm.barrier();
});

suite.case("sendflood", async () => {
  // every rank sends 3 ints to 0 and receives into a 4-int buffer, LOOP_COUNT times (original 100000)
  const loops = full ? 100_000 : 2_000;
  const TAG = 999;
  if (rank === 0) {
    for (let i = 0; i < loops; i++) {
      for (let j = 1; j < size; j++) await comm.recvInto(mpi.buf(new Int32Array(4)), j, TAG);
      for (let j = 1; j < size; j++) await comm.send(mpi.buf(new Int32Array(3)), j, TAG);
    }
  } else {
    for (let i = 0; i < loops; i++) {
      await comm.send(mpi.buf(new Int32Array(3)), 0, TAG);
      await comm.recvInto(mpi.buf(new Int32Array(4)), 0, TAG);
    }
  }
});

suite.case("nonovertaking", async () => {
  // MPI's order rule behind sendflood/pingping: messages from one sender on one (comm, tag) arrive in
  // the order sent, eager and rendezvous sizes interleaved, whichever receive form takes them
  const sizes = [1, 70_000, 8, 300_000, 0, 65_536, 3];
  if (size < 2) return;
  if (rank === 0) {
    for (let round = 0; round < 3; round++) for (const [i, n] of sizes.entries()) await comm.send(mpi.buf(new Float64Array(n).fill(round * 10 + i)), 1, 5);
  } else if (rank === 1) {
    for (let round = 0; round < 3; round++) {
      const got: number[][] = [];
      for (const [i, n] of sizes.entries()) {
        const b = new Float64Array(Math.max(n, 1)).fill(-1);
        const st = new mpi.Status();
        if (i % 3 === 0) await comm.recvInto(mpi.buf(b), mpi.ANY_SOURCE, 5, st);
        else if (i % 3 === 1) await comm.irecvInto(mpi.buf(b), 0, mpi.ANY_TAG).wait(st);
        else {
          await comm.probe(0, 5, st);
          await comm.recvInto(mpi.buf(b), 0, 5, st);
        }
        got.push([st.getCount(mpi.FLOAT64), n ? b[0] : round * 10 + i]);
      }
      eq(got, sizes.map((n, i) => [n, round * 10 + i]), `round ${round} in order`);
    }
  }
});

suite.case("probenull", async () => {
  const st = new mpi.Status();
  await comm.probe(mpi.PROC_NULL, 10, st);
  eq([st.source, st.tag, st.getCount(mpi.INT32)], [mpi.PROC_NULL, mpi.ANY_TAG, 0], "probe(PROC_NULL)");
  const st2 = new mpi.Status();
  eq(comm.iprobe(mpi.PROC_NULL, 10, st2), true, "iprobe(PROC_NULL) is true");
  eq([st2.source, st2.tag, st2.getCount(mpi.INT32)], [mpi.PROC_NULL, mpi.ANY_TAG, 0], "iprobe(PROC_NULL) status");
});

suite.case("recvnull", async () => {
  const st = new mpi.Status();
  await comm.recvInto(mpi.buf(new Int32Array(10)), mpi.PROC_NULL, 10, st);
  eq([st.source, st.tag, st.getCount(mpi.INT32)], [mpi.PROC_NULL, mpi.ANY_TAG, 0], "recv(PROC_NULL)");
  const st2 = new mpi.Status();
  await comm.irecvInto(mpi.buf(new Int32Array(10)), mpi.PROC_NULL, 10).wait(st2);
  eq([st2.source, st2.tag, st2.getCount(mpi.INT32)], [mpi.PROC_NULL, mpi.ANY_TAG, 0], "irecv(PROC_NULL)");
});

suite.case("waitany_null", async () => {
  const reqs: (mpi.Request | null)[] = [null, null, null];
  eq((await mpi.waitany(reqs))[0], mpi.UNDEFINED, "waitany over nulls");
  eq(mpi.testany(reqs).index, mpi.UNDEFINED, "testany over nulls");
  eq(mpi.testall(reqs).done, true, "testall over nulls");
});

suite.case("cancelrecv", async () => {
  // the receiver posts tags 0, 1, 2 and cancels 1; tags 0 and 2 still match the two sends (256 KiB each)
  if (size < 2) return;
  const n = 65_536;
  if (rank === 0) {
    const bufs = range(3).map(() => new Int32Array(n).fill(-1));
    const reqs = bufs.map((b, tag) => comm.irecvInto(mpi.buf(b), 1, tag));
    await comm.barrier();
    reqs[1].cancel();
    await comm.barrier();
    const statuses = range(3).map(() => new mpi.Status());
    await mpi.waitall(reqs, statuses);
    eq(statuses.map((s) => s.cancelled), [false, true, false], "only the cancelled receive says so");
    eq([bufs[0][0], bufs[1][0], bufs[2][0]], [0, -1, 2], "data of tags 0 and 2");
  } else if (rank === 1) {
    await comm.barrier();
    await comm.barrier();
    await comm.send(mpi.buf(new Int32Array(n).fill(0)), 0, 0);
    await comm.isend(mpi.buf(new Int32Array(n).fill(2)), 0, 2).wait();
  } else {
    await comm.barrier();
    await comm.barrier();
  }
});

suite.case("isendselfprobe", async () => {
  const req = comm.isend(mpi.buf(Int32Array.of(rank)), rank, 0);
  const st = new mpi.Status();
  await comm.probe(rank, 0, st);
  eq([st.source, st.tag, st.getCount(mpi.INT32)], [rank, 0, 1], "probe of a message to oneself");
  const b = new Int32Array(1);
  await comm.recvInto(mpi.buf(b), rank, 0);
  await req.wait();
  eq(b[0], rank, "received from oneself");
});

suite.case("mprobe_self", async () => {
  // two messages with the same envelope: mprobe takes the first out of matching, a plain recv gets the second
  const sends = [comm.isend(mpi.buf(Int32Array.of(1)), rank, 7), comm.isend(mpi.buf(Int32Array.of(2)), rank, 7)];
  const st = new mpi.Status();
  const msg = await comm.mprobe(rank, 7, st);
  eq([st.source, st.tag, st.getCount(mpi.INT32)], [rank, 7, 1], "mprobe status");
  const second = new Int32Array(1);
  await comm.recvInto(mpi.buf(second), rank, 7);
  const first = new Int32Array(1);
  await msg.recv(undefined, mpi.buf(first));
  eq([first[0], second[0]], [1, 2], "the matched message is the first one sent");
  eq(comm.improbe(rank, 7), null, "improbe finds nothing left");
  await mpi.waitall(sends);
});

suite.case("truncmsg1", async () => {
  // source 0 sends n ints, the last rank receives into n - 1 (or 2): ERR_TRUNCATE, and the job goes on
  const source = 0;
  const dest = size - 1;
  if (source === dest) return;
  const big = new Int32Array(100_000);
  for (const [what, sent, room] of [["short", 2, 1], ["medium", 64, 63], ["long", 100_000, 99_999], ["long-receive-short", 100_000, 2]] as const) {
    if (rank === source) await comm.send(mpi.buf(big.subarray(0, sent)), dest, 0);
    else if (rank === dest) await throwsCode("ERR_TRUNCATE", `${what}: ${sent} ints into ${room}`, () => comm.recvInto(mpi.buf(new Int32Array(room)), source, 0));
  }
  // irecv-short: the receive is posted before the message arrives, the error comes from wait()
  if (rank === source) {
    await comm.sendrecv(mpi.buf(new Int32Array(0)), dest, 1, dest, 1);
    await comm.send(mpi.buf(big.subarray(0, 2)), dest, 2);
  } else if (rank === dest) {
    const req = comm.irecvInto(mpi.buf(new Int32Array(1)), source, 2);
    await comm.sendrecv(mpi.buf(new Int32Array(0)), source, 1, source, 1);
    await throwsCode("ERR_TRUNCATE", "irecv-short", () => req.wait());
  }
  await comm.barrier();
  check(true, "the job continues after truncation errors");
});

await suite.run();
