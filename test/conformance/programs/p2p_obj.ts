// Conformance: mpi4py test/test_p2p_obj.py (value-mode point to point), every case on COMM_SELF,
// COMM_WORLD and a dup of each, as the original runs them.
import * as mpi from "tsmpi";
import { Suite, check, eq, none, standardComms } from "./lib/harness.ts";
import { messages, mod, poll, type Req } from "./lib/values.ts";
import { registerSomeCases } from "./lib/p2p-obj-some.ts";

const suite = new Suite();
await mpi.init();
for (const [cname, comm] of await standardComms()) {
  const size = comm.size;
  const rank = comm.rank;
  const c = (name: string, body: () => Promise<void>) => suite.case(`${name}[${cname}]`, body);

  c("SendAndRecv", async () => {
    for (const m of messages) {
      await comm.send(m, mpi.PROC_NULL);
      none(await comm.recv(mpi.PROC_NULL, 0), "recv from PROC_NULL");
    }
    if (size === 1) return;
    for (const m of messages) {
      let got: unknown = m;
      if (rank === 0) await comm.send(m, rank + 1, 0);
      else {
        got = await comm.recv(rank - 1, 0);
        if (rank < size - 1) await comm.send(got, rank + 1, 0);
      }
      eq(got, m, "relayed message");
    }
  });

  c("ISendAndRecv", async () => {
    for (const m of messages) {
      const req = comm.isend(m, mpi.PROC_NULL);
      await req.wait();
      none(await comm.recv(mpi.PROC_NULL, 0), "recv from PROC_NULL");
    }
    for (const m of messages) {
      const req = comm.isend(m, rank, 0);
      const got = await comm.recv(rank, 0);
      await poll(() => req.test().done);
      eq(got, m, "self message");
    }
    for (const m of messages) {
      const req = comm.isend(m, mod(rank + 1, size), 0);
      const got = await comm.recv(mod(rank - 1, size), 0);
      await req.wait();
      eq(got, m, "ring message");
    }
  });

  c("IRecvAndSend", async () => {
    for (const m of messages) {
      const req = comm.irecv(mpi.PROC_NULL, 0);
      await comm.send(m, mpi.PROC_NULL);
      none(await req.wait(), "irecv from PROC_NULL");
    }
    for (const m of messages) {
      const req = comm.irecv(rank, 0);
      eq(req.test(), { done: false }, "test before the send");
      await comm.send(m, rank, 0);
      const r = await poll(() => { const t = req.test(); return t.done ? t : null; });
      eq(r.value, m, "received");
    }
    for (const m of [...messages, messages]) {
      const req = comm.irecv(mod(rank - 1, size), 0);
      await comm.send(m, mod(rank + 1, size), 0);
      eq(await req.wait(), m, "ring message");
    }
  });

  c("IRecvAndSend.waitany", async () => {
    for (const m of messages) {
      const reqs: Req[] = [comm.irecv(rank, 1), comm.irecv(rank, 2), comm.irecv(rank, 3)];
      for (let i = 0; i < 3; i++) {
        check(reqs[i] !== null, `request ${i} still active`);
        await comm.send(m, rank, i + 1);
        const [index, obj] = await mpi.waitany(reqs);
        eq([index, obj], [i, m], `waitany after send ${i}`);
        eq(reqs[index], null, "completed request set to REQUEST_NULL");
      }
      eq(await mpi.waitany(reqs), [mpi.UNDEFINED, undefined], "waitany on all-null list");
    }
  });

  c("IRecvAndSend.testany", async () => {
    for (const m of messages) {
      const reqs: Req[] = [comm.irecv(rank, 1), comm.irecv(rank, 2), comm.irecv(rank, 3)];
      const first = mpi.testany(reqs);
      eq([first.index, first.done, first.value], [mpi.UNDEFINED, false, undefined], "testany before any send");
      for (let i = 0; i < 3; i++) {
        await comm.send(m, rank, i + 1);
        const t = await poll(() => { const r = mpi.testany(reqs); return r.done ? r : null; });
        eq([t.index, t.value], [i, m], `testany after send ${i}`);
        eq(reqs[i], null, "completed request set to REQUEST_NULL");
      }
      const last = mpi.testany(reqs);
      eq([last.index, last.done, last.value], [mpi.UNDEFINED, true, undefined], "testany on all-null list");
    }
  });

  c("IRecvAndISend", async () => {
    for (const m of messages) {
      const rreq = comm.irecv(mod(rank - 1, size), 0);
      const sreq = comm.isend(m, mod(rank + 1, size), 0);
      const reqs: Req[] = [sreq, rreq];
      const [i1, v1] = await mpi.waitany(reqs);
      check(i1 === 0 || i1 === 1, `first index ${i1}`);
      eq(reqs[i1], null, "first completed is null");
      eq(reqs[1 - i1] !== null, true, "other still active");
      eq(v1, i1 === 0 ? undefined : m, "first value");
      const [i2, v2] = await mpi.waitany(reqs);
      eq(i2, 1 - i1, "second index");
      eq(reqs, [null, null], "both null");
      eq(v2, i2 === 0 ? undefined : m, "second value");
    }
    for (const m of messages) {
      const rreq = comm.irecv(mod(rank - 1, size), 0);
      const reqs: Req[] = [comm.isend(m, mod(rank + 1, size), 0), rreq];
      const t1 = await poll(() => { const r = mpi.testany(reqs); return r.done ? r : null; });
      eq(reqs[t1.index], null, "first completed is null");
      const t2 = await poll(() => { const r = mpi.testany(reqs); return r.done ? r : null; });
      eq(t2.index, 1 - t1.index, "second index");
      eq(reqs, [null, null], "both null");
      eq(t1.index === 1 ? t1.value : t2.value, m, "received value");
    }
    for (const m of messages) {
      const rreq = comm.irecv(mod(rank - 1, size), 0);
      const sreq = comm.isend(m, mod(rank + 1, size), 0);
      eq(await mpi.waitall([sreq, rreq], []), [undefined, m], "waitall values");
    }
    for (const m of messages) {
      const rreq = comm.irecv(rank, 1);
      eq(mpi.testall([rreq]).done, false, "testall before the send");
      const sreq = comm.isend(m, rank, 1);
      const t = await poll(() => { const r = mpi.testall([sreq, rreq], ); return r.done ? r : null; });
      eq(t.values, [undefined, m], "testall values");
    }
  });

  c("ManyISendAndRecv", async () => {
    for (const m of messages) {
      const reqs: Req[] = Array.from({ length: 6 }, () => comm.isend(m, rank, 0));
      for (let k = 0; k < 3; k++) eq(await comm.recv(rank, 0), m, "recv");
      for (let k = 0; k < 3; k++) eq(await comm.recv(rank, 0), m, "recv");
      await poll(() => mpi.testall(reqs).done);
    }
    for (const m of messages) {
      const reqs: Req[] = Array.from({ length: 6 }, () => comm.isend(m, rank, 0));
      for (let k = 0; k < 3; k++) eq(await comm.recv(rank, 0), m, "recv");
      const [index] = await mpi.waitany(reqs);
      eq(index, 0, "waitany index");
      const some1 = await mpi.waitsome(reqs);
      for (let k = 0; k < 3; k++) eq(await comm.recv(rank, 0), m, "recv");
      const some2 = await mpi.waitsome(reqs);
      const all = [0, ...(some1.indices ?? []), ...(some2.indices ?? [])].sort();
      eq(all, [0, 1, 2, 3, 4, 5], "every send completed exactly once");
      await mpi.waitall(reqs);
    }
  });

  c("ManyISSendAndRecv", async () => {
    for (const m of messages) {
      const reqs: Req[] = Array.from({ length: 6 }, () => comm.issend(m, rank, 0));
      eq(mpi.testall(reqs).done, false, "testall before any receive");
      for (let k = 0; k < 3; k++) eq(await comm.recv(rank, 0), m, "recv");
      eq(mpi.testall(reqs).done, false, "testall after 3 of 6 receives");
      const any = mpi.testany(reqs);
      if (any.done) eq(any.index, 0, "testany index");
      const some = mpi.testsome(reqs);
      for (const i of some.indices ?? []) check([0, 1, 2].includes(i) && !(any.done && i === 0), `testsome index ${i}`);
      for (let k = 0; k < 3; k++) {
        eq(mpi.testall(reqs).done, false, "testall before the last receives");
        eq(await comm.recv(rank, 0), m, "recv");
      }
      await poll(() => mpi.testall(reqs).done);
    }
  });

  c("SSendAndRecv", async () => {
    for (const m of messages) {
      await comm.ssend(m, mpi.PROC_NULL);
      none(await comm.recv(mpi.PROC_NULL, 0), "recv from PROC_NULL");
    }
    if (size === 1) return;
    for (const m of messages) {
      let got: unknown = m;
      if (rank === 0) await comm.ssend(m, rank + 1, 0);
      else {
        got = await comm.recv(rank - 1, 0);
        if (rank < size - 1) await comm.ssend(got, rank + 1, 0);
      }
      eq(got, m, "relayed message");
    }
  });

  c("ISSendAndRecv", async () => {
    for (const m of messages) {
      await comm.issend(m, mpi.PROC_NULL).wait();
      none(await comm.recv(mpi.PROC_NULL, 0), "recv from PROC_NULL");
    }
    for (const m of messages) {
      const req = comm.issend(m, rank, 0);
      eq(req.test().done, false, "issend incomplete before the receive");
      const got = await comm.recv(rank, 0);
      await poll(() => req.test().done);
      eq(got, m, "self message");
    }
    for (const m of messages) {
      const req = comm.issend(m, mod(rank + 1, size), 0);
      const got = await comm.recv(mod(rank - 1, size), 0);
      await req.wait();
      eq(got, m, "ring message");
    }
  });

  c("Cancel", async () => {
    for (const m of messages) {
      const req = comm.issend(m, rank);
      req.cancel();
      const st = new mpi.Status();
      const t = req.test(st);
      if (st.cancelled) check(t.done, "a cancelled request is complete");
      else {
        check(!t.done, "an uncancelled issend is not complete before its receive");
        eq(await comm.recv(rank, 0), m, "received");
        await poll(() => req.test().done);
      }
    }
  });

  for (const [label, send] of [
    ["IRecvAndBSend", (m: unknown, tag: number) => comm.bsend(m, rank, tag)],
    ["IRecvAndSSend", (m: unknown, tag: number) => comm.ssend(m, rank, tag)],
  ] as const) {
    c(label, async () => {
      if (label === "IRecvAndBSend") mpi.attachBuffer((1 << 16) + mpi.BSEND_OVERHEAD);
      try {
        for (const m of messages) {
          const r = [comm.irecv(rank, 1), comm.irecv(rank, 2), comm.irecv(rank, 3)];
          if (label === "IRecvAndBSend") for (const tag of [3, 2, 1]) await send(m, tag);
          else {
            // a synchronous send to oneself completes once its receive matches: the irecvs are posted
            for (const tag of [3, 2, 1]) await send(m, tag);
          }
          eq([await r[2].wait(), await r[1].wait(), await r[0].wait()], [m, m, m], "received in any order of tags");
          if (label === "IRecvAndBSend") await comm.bsend(m, mpi.PROC_NULL, 3);
          else await comm.ssend(m, mpi.PROC_NULL, 3);
        }
      } finally {
        if (label === "IRecvAndBSend") await mpi.detachBuffer();
      }
    });
  }

  for (const label of ["IRecvAndIBSend", "IRecvAndISSend"] as const) {
    c(label, async () => {
      const buffered = label === "IRecvAndIBSend";
      if (buffered) mpi.attachBuffer((1 << 16) + mpi.BSEND_OVERHEAD);
      try {
        for (const m of messages) {
          const r = [comm.irecv(rank, 1), comm.irecv(rank, 2), comm.irecv(rank, 3)];
          const s = [3, 2, 1].map((tag) => (buffered ? comm.ibsend(m, rank, tag) : comm.issend(m, rank, tag)));
          await mpi.waitall(s);
          eq([await r[2].wait(), await r[1].wait(), await r[0].wait()], [m, m, m], "received");
          await (buffered ? comm.ibsend(m, mpi.PROC_NULL, 3) : comm.issend(m, mpi.PROC_NULL, 3)).wait();
        }
      } finally {
        if (buffered) await mpi.detachBuffer();
      }
    });
  }

  c("Sendrecv", async () => {
    for (const m of messages) {
      const dest = mod(rank + 1, size);
      const source = mod(rank - 1, size);
      eq(await comm.sendrecv(m, dest, 0, source, 0), m, "sendrecv");
      eq(await comm.sendrecv(null, dest, 0, source, 0), null, "sendrecv of None");
      none(await comm.sendrecv(m, mpi.PROC_NULL, 0, mpi.PROC_NULL, 0), "sendrecv with PROC_NULL");
    }
  });

  c("PingPong01", async () => {
    for (const m of messages) {
      await comm.send(m, mpi.PROC_NULL);
      none(await comm.recv(mpi.PROC_NULL, 0), "recv from PROC_NULL");
    }
    if (size === 1) return;
    for (const m of [null, ...messages]) {
      let got: unknown = m;
      if (rank === 0) {
        await comm.send(m, 1, 0);
        got = await comm.recv(1, 0);
      } else if (rank === 1) {
        got = await comm.recv(0, 0);
        await comm.send(m, 0, 0);
      }
      eq(got, m, "ping-pong");
    }
  });

  c("Probe", async () => {
    const dup = await comm.dup();
    const st = new mpi.Status();
    eq(dup.iprobe(mpi.ANY_SOURCE, mpi.ANY_TAG, st), false, "iprobe with nothing sent");
    for (const m of messages) {
      const req = dup.issend(m, dup.rank, 123);
      await poll(() => dup.iprobe(mpi.ANY_SOURCE, mpi.ANY_TAG, st));
      eq([st.source, st.tag], [dup.rank, 123], "iprobe status");
      await dup.probe(mpi.ANY_SOURCE, mpi.ANY_TAG, st);
      eq([st.source, st.tag], [dup.rank, 123], "probe status");
      eq(req.test(), { done: false }, "a probed issend is not complete");
      eq(await dup.recv(dup.rank, 123), m, "received");
      eq(await req.wait(), undefined, "issend completes");
    }
    await dup.free();
  });

  registerSomeCases(c, comm);
}
await suite.run();
