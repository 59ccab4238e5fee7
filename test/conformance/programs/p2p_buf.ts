// Conformance: mpi4py test/test_p2p_buf.py (buffer-mode point to point: mpi.buf and the *Into methods),
// every case on COMM_SELF, COMM_WORLD and a dup of each.
import * as mpi from "tsmpi";
import { Suite, check, eq, standardComms } from "./lib/harness.ts";
import { arrayTypes, filled, mod, nums, poll, rep } from "./lib/values.ts";

const suite = new Suite();
await mpi.init();
for (const [cname, comm] of await standardComms()) {
  const size = comm.size;
  const rank = comm.rank;
  const dest = mod(rank + 1, size);
  const source = mod(rank - 1, size);
  const c = (name: string, body: () => Promise<void>) => suite.case(`${name}[${cname}]`, body);

  c("Sendrecv", async () => {
    for (const T of arrayTypes) {
      for (let s = 0; s <= size; s++) {
        const sbuf = filled(T, s, s);
        const rbuf = filled(T, -1, s + 1);
        // sendrecv in buffer mode: a send of a spec and a receive into one, concurrently
        const sending = comm.isend(mpi.buf(sbuf), dest, 0);
        await comm.recvInto(mpi.buf(rbuf), source, 0);
        await sending.wait();
        eq(nums(rbuf), [...rep(s, s), -1], `${T.name} s=${s}`);
      }
    }
  });

  c("SendrecvReplace", async () => {
    for (const T of arrayTypes) {
      for (let s = 0; s <= size; s++) {
        const b = filled(T, rank, s);
        await comm.sendrecvReplace(mpi.buf(b), dest, 0, source, 0);
        eq(nums(b), rep(source, s), `${T.name} s=${s}`);
      }
    }
  });

  c("SendRecv", async () => {
    for (const T of arrayTypes) {
      for (let s = 0; s <= size; s++) {
        const sbuf = filled(T, s, s);
        let rbuf = filled(T, -1, s);
        const spec = () => mpi.buf(sbuf);
        const into = () => mpi.buf(rbuf);
        if (size === 1) rbuf = sbuf;
        else if (rank === 0 || rank === 1) {
          const peer = 1 - rank;
          const sendAll = async () => {
            mpi.attachBuffer(2 * (sbuf.byteLength + mpi.BSEND_OVERHEAD));
            await comm.ibsend(spec(), peer, 0).wait();
            await comm.bsend(spec(), peer, 0);
            await mpi.detachBuffer();
            await comm.send(spec(), peer, 0);
            await comm.ssend(spec(), peer, 0);
          };
          const recvAll = async () => {
            for (let k = 0; k < 4; k++) await comm.recvInto(into(), peer, 0);
          };
          if (rank === 0) { await sendAll(); await recvAll(); }
          else { await recvAll(); await sendAll(); }
        } else rbuf = sbuf;
        eq(nums(rbuf), rep(s, s), `${T.name} s=${s} four modes`);
        // ready mode to oneself, blocking and nonblocking, with the receive posted first
        for (const nonblocking of [false, true]) {
          const r = filled(T, -1, s);
          const rreq = comm.irecvInto(mpi.buf(r), rank, 0);
          if (nonblocking) await comm.irsend(mpi.buf(sbuf), rank, 0).wait();
          else await comm.rsend(mpi.buf(sbuf), rank, 0);
          await rreq.wait();
          eq(nums(r), rep(s, s), `${T.name} s=${s} ${nonblocking ? "irsend" : "rsend"}`);
        }
      }
    }
  });

  c("ProcNull", async () => {
    const empty = mpi.buf(new Uint8Array(0));
    await comm.sendrecv(empty, mpi.PROC_NULL, 0, mpi.PROC_NULL, 0);
    await comm.sendrecvReplace(empty, mpi.PROC_NULL, 0, mpi.PROC_NULL, 0);
    await comm.send(empty, mpi.PROC_NULL);
    await comm.isend(empty, mpi.PROC_NULL).wait();
    await comm.ssend(empty, mpi.PROC_NULL);
    await comm.issend(empty, mpi.PROC_NULL).wait();
    mpi.attachBuffer(mpi.BSEND_OVERHEAD);
    await comm.bsend(empty, mpi.PROC_NULL);
    await comm.ibsend(empty, mpi.PROC_NULL).wait();
    await mpi.detachBuffer();
    await comm.rsend(empty, mpi.PROC_NULL);
    await comm.irsend(empty, mpi.PROC_NULL).wait();
    const st = await comm.recvInto(empty, mpi.PROC_NULL);
    eq([st.source, st.tag, st.count], [mpi.PROC_NULL, mpi.ANY_TAG, 0], "status of a PROC_NULL receive");
    await comm.irecvInto(empty, mpi.PROC_NULL).wait();
  });

  c("ProcNullPersistent", async () => {
    for (const req of [comm.sendInit(mpi.buf(new Uint8Array(0)), mpi.PROC_NULL), comm.recvInit(mpi.PROC_NULL, 0, mpi.buf(new Uint8Array(0)))]) {
      req.start();
      await req.wait();
    }
  });

  c("Persistent", async () => {
    for (const T of arrayTypes) {
      for (let s = 0; s <= size; s++) {
        for (let xs = 0; xs < 3; xs++) {
          const expected = [...rep(s, s), ...rep(-1, xs)];
          // start and wait each
          const sbuf = filled(T, s, s);
          let rbuf = filled(T, -1, s + xs);
          let sendreq = comm.sendInit(mpi.buf(sbuf), dest, 0);
          let recvreq = comm.recvInit(source, 0, mpi.buf(rbuf));
          sendreq.start();
          recvreq.start();
          await sendreq.wait();
          await recvreq.wait();
          eq(nums(rbuf), expected, `${T.name} s=${s} xs=${xs} start/wait`);
          // startall and waitany: a persistent request stays in the list, inactive, until started again
          rbuf = filled(T, -1, s + xs);
          sendreq = comm.sendInit(mpi.buf(sbuf), dest, 0);
          recvreq = comm.recvInit(source, 0, mpi.buf(rbuf));
          const list = [sendreq, recvreq];
          mpi.startall(list);
          const [i1] = await mpi.waitany(list);
          const [i2] = await mpi.waitany(list);
          check(i1 !== i2 && [0, 1].includes(i1) && [0, 1].includes(i2), `waitany indices ${i1}, ${i2}`);
          check(list[0] === sendreq && list[1] === recvreq, "persistent requests stay in the list");
          eq((await mpi.waitany(list))[0], mpi.UNDEFINED, "waitany over inactive persistent requests");
          eq(nums(rbuf), expected, `${T.name} s=${s} xs=${xs} startall/waitany`);
          // the same request started again (persistent reuse)
          sbuf.set(filled(T, s, s) as never);
          rbuf.fill((rbuf instanceof BigInt64Array ? -1n : -1) as never);
          mpi.startall(list);
          await mpi.waitall(list);
          eq(nums(rbuf), expected, `${T.name} s=${s} xs=${xs} restarted`);
        }
      }
    }
  });

  c("Probe", async () => {
    const dup = await comm.dup();
    const empty = () => mpi.buf(new Uint8Array(0));
    const req = dup.issend(empty(), dup.rank, 123);
    const st = new mpi.Status();
    await dup.probe(mpi.ANY_SOURCE, mpi.ANY_TAG, st);
    eq([st.source, st.tag], [dup.rank, 123], "probe status");
    eq(req.test().done, false, "a probed issend is not complete");
    await dup.recvInto(empty(), dup.rank, 123);
    await poll(() => req.test().done);
    await dup.free();
  });

  c("ProbeCancel", async () => {
    const dup = await comm.dup();
    const req = dup.issend(mpi.buf(new Uint8Array(0)), dup.rank, 123);
    const st = new mpi.Status();
    await dup.probe(mpi.ANY_SOURCE, mpi.ANY_TAG, st);
    eq([st.source, st.tag], [dup.rank, 123], "probe status");
    req.cancel();
    const after = new mpi.Status();
    req.test(after);
    if (!after.cancelled) {
      await dup.recvInto(mpi.buf(new Uint8Array(0)), dup.rank, 123);
      await req.wait();
    }
    await dup.free();
  });

  c("IProbe", async () => {
    const dup = await comm.dup();
    eq(dup.iprobe(), false, "iprobe()");
    eq(dup.iprobe(mpi.ANY_SOURCE), false, "iprobe(ANY_SOURCE)");
    eq(dup.iprobe(mpi.ANY_SOURCE, mpi.ANY_TAG), false, "iprobe(ANY_SOURCE, ANY_TAG)");
    const st = new mpi.Status();
    eq(dup.iprobe(mpi.ANY_SOURCE, mpi.ANY_TAG, st), false, "iprobe with a status");
    eq([st.source, st.tag, st.error], [mpi.ANY_SOURCE, mpi.ANY_TAG, 0], "status untouched");
    await dup.free();
  });
}
await suite.run();
