// Conformance: mpi4py test/test_rma.py (one-sided: put/get/accumulate/getAccumulate/fetchAndOp/
// compareAndSwap, PROC_NULL targets, fence assertions, PSCW, lock/sync/flush), on COMM_SELF and
// COMM_WORLD, each case over a fresh window of 100 doubles' bytes with displacement unit 1.
import * as mpi from "tsmpi";
import { Suite, check, eq } from "./lib/harness.ts";
import { arrayTypes, filled, nums, poll, rep } from "./lib/values.ts";

const suite = new Suite();
await mpi.init();
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const typeOf = (a: ArrayBufferView) => mpi.buf(a as never).type;
const spec = (a: ArrayBufferView, count?: number) => mpi.buf(a as never, typeOf(a), count);
function iota(T: (typeof arrayTypes)[number], n: number) {
  const a = filled(T, 0, n);
  for (let i = 0; i < n; i++) a[i] = (a instanceof BigInt64Array ? BigInt(i) : i) as never;
  return a;
}
const integerTypes = arrayTypes.filter((T) => T !== Float32Array && T !== Float64Array);
/** mpi4py's counts 0..9; by default 0, 1, 5 and 9 (every epoch of GetAccumulate is a lock round trip per op). */
const counts = process.env.CONFORMANCE_FULL === "1" ? range(10) : [0, 1, 5, 9];

for (const [cname, comm] of [["SELF", mpi.COMM_SELF], ["WORLD", mpi.COMM_WORLD]] as const) {
  const c = (name: string, body: (win: mpi.Win) => Promise<void>) =>
    suite.case(`${name}[${cname}]`, async () => {
      const win = await mpi.Win.create(new Uint8Array(100 * 8), comm, { dispUnit: 1 });
      try {
        await body(win);
      } finally {
        await win.free();
      }
    });
  const size = comm.size;
  const rank = comm.rank;

  c("PutGet", async (win) => {
    for (const T of arrayTypes) for (const count of counts) for (let target = 0; target < size; target++) {
      for (const form of ["disp 0", "disp itemsize", "target type"] as const) {
        const s = iota(T, count);
        const r = filled(T, -1, count + 1);
        const disp = form === "disp 0" ? 0 : s.BYTES_PER_ELEMENT;
        const targetArgs: [mpi.Datatype?, number?] = form === "target type" ? [typeOf(s), count] : [];
        await win.fence();
        win.put(spec(s), target, disp, ...targetArgs);
        await win.fence();
        win.get(spec(r, count), target, disp, ...targetArgs);
        await win.fence();
        eq(nums(r), [...range(count), -1], `${T.name} count=${count} target=${target} ${form}`);
      }
    }
  });

  c("Accumulate", async (win) => {
    for (const T of arrayTypes) for (const count of counts) for (let target = 0; target < size; target++) {
      const s = iota(T, count);
      const r = filled(T, -1, count + 1);
      for (const op of [mpi.SUM, mpi.PROD, mpi.MAX, mpi.MIN]) {
        await win.fence();
        win.accumulate(spec(s), target, 0, op);
        await win.fence();
        win.get(spec(r, count), target, 0);
        await win.fence();
        eq(nums(s), range(count), `${T.name}: origin unchanged`);
        eq(r[count], T === BigInt64Array ? -1n : -1, `${T.name} ${op}: one past the count untouched`);
      }
    }
  });

  c("GetAccumulate", async (win) => {
    await win.fence();
    const ops: [string, mpi.Op][] = [["SUM", mpi.SUM], ["PROD", mpi.PROD], ["MAX", mpi.MAX], ["MIN", mpi.MIN], ["REPLACE", mpi.REPLACE], ["NO_OP", mpi.NO_OP]];
    for (const T of arrayTypes) for (const count of counts) for (let target = 0; target < size; target++) {
      const ones = filled(T, 1, count);
      const s = iota(T, count);
      const r = filled(T, -1, count + 1);
      const g = filled(T, -1, count + 1);
      for (const [name, op] of ops) {
        await win.lock(target);
        win.put(spec(ones), target);
        await win.flush(target);
        win.getAccumulate(spec(s), spec(r, count), target, 0, op);
        await win.flush(target);
        win.get(spec(g, count), target);
        await win.flush(target);
        await win.unlock(target);
        const combined = range(count).map((i) => Number(op.call(1, i)));
        eq([nums(r), nums(g)], [[...rep(1, count), -1], [...combined, -1]], `${T.name} count=${count} target=${target} ${name}`);
      }
    }
  });

  // mpi4py's first getAccumulate: zero BYTEs with the default op SUM, a no-op (as in MPICH and Open MPI).
  c("GetAccumulateZeroCountByte", async (win) => {
    await win.fence();
    win.getAccumulate(mpi.buf(new Uint8Array(1), mpi.BYTE, 0), mpi.buf(new Uint8Array(1), mpi.BYTE, 0), rank);
    await win.fence();
  });

  c("FetchAndOp", async (win) => {
    for (const T of arrayTypes) for (const op of [mpi.SUM, mpi.PROD, mpi.MAX, mpi.MIN, mpi.REPLACE, mpi.NO_OP]) for (let target = 0; target < size; target++) for (let disp = 0; disp < 3; disp++) {
      const type = typeOf(new T(0));
      const one = T === BigInt64Array ? 1n : 1;
      await win.lock(target);
      const old = await win.fetchAndOp(one, target, disp * type.size, op, type);
      await win.unlock(target);
      check(typeof old === (T === BigInt64Array ? "bigint" : "number"), `${T.name} ${op} disp=${disp}: fetched ${String(old)}`);
    }
    await win.lock(rank);
    await win.fetchAndOp(null, rank, 0, mpi.NO_OP, mpi.UINT8);
    await win.unlock(rank);
  });

  c("CompareAndSwap", async (win) => {
    for (const T of integerTypes) for (let target = 0; target < size; target++) for (let disp = 0; disp < 3; disp++) {
      const type = typeOf(new T(0));
      const [one, zero] = T === BigInt64Array ? [1n, 0n] : [1, 0];
      await win.lock(target);
      const old = await win.compareAndSwap(one, zero, target, disp * type.size, type);
      await win.unlock(target);
      check(typeof old === typeof one, `${T.name} disp=${disp}: fetched ${String(old)}`);
    }
  });

  c("PutProcNull", async (win) => {
    await win.fence();
    win.put(mpi.buf(new Uint8Array(0)), mpi.PROC_NULL);
    await win.fence();
  });
  c("GetProcNull", async (win) => {
    await win.fence();
    win.get(mpi.buf(new Uint8Array(0)), mpi.PROC_NULL);
    await win.fence();
  });
  for (const [name, op] of [["AccumulateProcNullReplace", mpi.REPLACE], ["AccumulateProcNullSum", mpi.SUM]] as const) {
    c(name, async (win) => {
      await win.fence();
      win.accumulate(mpi.buf(new Uint8Array(8), mpi.INT32), mpi.PROC_NULL, 0, op);
      await win.fence();
      win.accumulate(mpi.buf(new Int32Array(0), mpi.INT32), mpi.PROC_NULL, 0, op);
      await win.fence();
    });
  }
  c("GetAccumulateProcNull", async (win) => {
    await win.fence();
    win.getAccumulate(mpi.buf(new Uint8Array(8), mpi.INT32, 0), mpi.buf(new Uint8Array(8), mpi.INT32, 0), mpi.PROC_NULL);
    await win.fence();
  });

  c("Fence", async (win) => {
    await win.fence();
    for (const l of [0, mpi.MODE_NOSTORE, mpi.MODE_NOPUT, mpi.MODE_NOSTORE | mpi.MODE_NOPUT]) for (const g of [0, mpi.MODE_NOPRECEDE, mpi.MODE_NOSUCCEED]) await win.fence(l | g);
    await win.fence();
  });
  c("FenceAll", async (win) => {
    let assertion = 0;
    await win.fence();
    for (const mode of [0, mpi.MODE_NOSTORE, mpi.MODE_NOPUT, mpi.MODE_NOPRECEDE, mpi.MODE_NOSUCCEED]) {
      await win.fence(mode);
      assertion |= mode;
      await win.fence(assertion);
    }
    await win.fence();
  });
  c("StartComplete", async (win) => {
    await win.start(mpi.GROUP_EMPTY);
    await win.complete();
  });
  c("PostWait", async (win) => {
    await win.post(mpi.GROUP_EMPTY);
    await win.wait();
  });
  c("StartCompletePostWait", async (win) => {
    if (size < 2) return;
    const all = comm.group;
    if (rank === 0) {
      const others = all.excl([0]);
      await win.start(others);
      await win.complete();
      await win.post(others);
      await win.wait();
    } else {
      const zero = all.incl([0]);
      await win.post(zero);
      await win.wait();
      await win.start(zero);
      await win.complete();
    }
  });
  c("StartCompletePostTest", async (win) => {
    if (size < 2) return;
    const all = comm.group;
    if (rank === 0) {
      await win.start(all.excl([0]));
      await comm.barrier();
      await win.complete();
      await comm.barrier();
    } else {
      await win.post(all.incl([0]));
      eq(win.test(), false, "test() before the origin completes");
      await comm.barrier();
      await comm.barrier();
      await poll(() => win.test());
    }
  });
  c("Sync", async (win) => {
    await win.lock(rank);
    await win.sync();
    await win.unlock(rank);
    await comm.barrier();
  });
  c("Flush", async (win) => {
    for (let i = 0; i < size; i++) {
      await win.lock(i);
      await win.flush(i);
      await win.unlock(i);
    }
    await comm.barrier();
    for (let i = 0; i < size; i++) {
      if (i === rank) {
        await win.lockAll();
        await win.flushAll();
        await win.unlockAll();
      }
      await comm.barrier();
    }
    for (let i = 0; i < size; i++) {
      await win.lock(i);
      await win.flushLocal(i);
      await win.unlock(i);
    }
    await comm.barrier();
    for (let i = 0; i < size; i++) {
      if (i === rank) {
        await win.lockAll();
        await win.flushLocalAll();
        await win.unlockAll();
      }
      await comm.barrier();
    }
  });
}
await suite.run();
