// The in-place cases of mpi4py's test_cco_buf.py / test_cco_nb_buf.py (mpi.IN_PLACE as the send
// argument; mpi4py's "same buffer on both sides" spelling where the original tries it) and its
// TestReduceLocal.
import * as mpi from "tsmpi";
import { eq, throwsCode, type Suite } from "./harness.ts";
import { arrayTypes, filled, nums, rep } from "./values.ts";
import { iota, type Coll } from "./cco-buf-cases.ts";

const OPS: [string, mpi.Op][] = [["SUM", mpi.SUM], ["PROD", mpi.PROD], ["MAX", mpi.MAX], ["MIN", mpi.MIN]];
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const product = (xs: number[]) => xs.reduce((a, b) => a * b, 1);
const typed = (a: ArrayBufferView, count?: number) => mpi.buf(a as never, undefined, count);
const maxValue = (a: ArrayBufferView) => (a instanceof Float32Array ? 1e30 : a instanceof Float64Array ? 1e300 : 2 ** ((a as Int8Array).BYTES_PER_ELEMENT * 7) - 1);
const unlessOverflow = (a: ArrayBufferView, got: number, want: number) => (want >= maxValue(a) ? got : want);
const reduced = (op: string, i: number, n: number) => (op === "SUM" ? i * n : op === "PROD" ? i ** n : i);

export interface InPlaceOptions {
  /** The original also tries alltoall in place (the blocking file does). */
  alltoall: boolean;
  /** The original also passes the receive buffer as the send buffer (mpi4py takes that as in place). */
  sameBuffer: boolean;
  /** Block counts of the gather/scatter/allgather cases (per root: root + 3 in the nonblocking file). */
  counts: (root: number) => number[];
}

export function registerInPlace(suite: Suite, cname: string, comm: mpi.Intracomm, coll: Coll, o: InPlaceOptions): void {
  const size = comm.size;
  const rank = comm.rank;
  const c = (name: string, body: () => Promise<void>) => suite.case(`InPlace.${name}[${cname}]`, body);
  const sends = (r: mpi.BufSpec): mpi.BufSpec[] | (typeof mpi.IN_PLACE)[] => (o.sameBuffer ? [mpi.IN_PLACE, r] : [mpi.IN_PLACE]) as never;

  c("Gather", async () => {
    for (const T of arrayTypes) for (let root = 0; root < size; root++) for (const count of o.counts(root)) {
      const b = rank === root ? filled(T, -1, size * count) : filled(T, root, count);
      if (rank === root) for (let i = rank * count; i < (rank + 1) * count; i++) b[i] = (b instanceof BigInt64Array ? BigInt(root) : root) as never;
      if (rank === root) await coll.gather(mpi.IN_PLACE, typed(b), root);
      else await coll.gather(typed(b), undefined, root);
      eq(nums(b), rep(root, b.length), `${T.name} root=${root} count=${count}`);
    }
  });

  c("Scatter", async () => {
    for (const T of arrayTypes) for (let root = 0; root < size; root++) for (const count of o.counts(root)) {
      const b = rank === root ? filled(T, root, size * count) : filled(T, -1, count);
      if (rank === root) await coll.scatter(typed(b), mpi.IN_PLACE, root);
      else await coll.scatter(undefined, typed(b), root);
      eq(nums(b), rep(root, b.length), `${T.name} root=${root} count=${count}`);
    }
  });

  c("Allgather", async () => {
    for (const T of arrayTypes) for (const count of o.counts(0)) {
      const b = filled(T, -1, size * count);
      for (let i = rank * count; i < (rank + 1) * count; i++) b[i] = (b instanceof BigInt64Array ? BigInt(count) : count) as never;
      await coll.allgather(mpi.IN_PLACE, typed(b));
      eq(nums(b), rep(count, b.length), `${T.name} count=${count}`);
    }
  });

  if (o.alltoall) {
    c("Alltoall", async () => {
      for (const T of arrayTypes) for (const count of o.counts(0)) {
        const b = filled(T, rank, size * count);
        await coll.alltoall(mpi.IN_PLACE, typed(b));
        eq(nums(b), range(size * count).map((i) => Math.floor(i / count)), `${T.name} count=${count}`);
      }
    });
  }

  c("Reduce", async () => {
    for (const T of arrayTypes) for (const [name, op] of OPS) for (let root = 0; root < size; root++) for (let mode = 0; mode < (o.sameBuffer ? 2 : 1); mode++) {
      const b = iota(T, size);
      if (rank === root) {
        const r = typed(b);
        await coll.reduce(sends(r)[mode], r, op, root);
        eq(nums(b), nums(b).map((v, i) => unlessOverflow(b, v, reduced(name, i, size))), `${T.name} ${name} root=${root} mode=${mode}`);
      } else await coll.reduce(typed(b), typed(iota(T, size)), op, root);
    }
  });

  c("Allreduce", async () => {
    for (const T of arrayTypes) for (const [name, op] of OPS) for (let mode = 0; mode < (o.sameBuffer ? 2 : 1); mode++) {
      const b = iota(T, size);
      const r = typed(b);
      await coll.allreduce(sends(r)[mode], r, op);
      eq(nums(b), nums(b).map((v, i) => unlessOverflow(b, v, reduced(name, i, size))), `${T.name} ${name} mode=${mode}`);
    }
  });

  const rsValue = (name: string) => (name === "SUM" ? size * (size - 1) / 2 : name === "PROD" ? product(range(size).map((i) => i + 1)) : name === "MAX" ? size - 1 : 0);
  if (coll.reduceScatterBlock) {
    const reduceScatterBlock = coll.reduceScatterBlock;
    c("ReduceScatterBlock", async () => {
      for (const T of arrayTypes) for (const [name, op] of OPS) for (let rcnt = 0; rcnt < size; rcnt++) {
        const mine = name === "PROD" ? rank + 1 : rank;
        const b = filled(T, mine, rcnt * size);
        await reduceScatterBlock(mpi.IN_PLACE, typed(b), op);
        eq(nums(b), nums(b).map((v, i) => (i >= rcnt ? mine : unlessOverflow(b, v, rsValue(name)))), `${T.name} ${name} rcnt=${rcnt}`);
      }
    });
  }

  if (coll.reduceScatter) {
    const reduceScatter = coll.reduceScatter;
    c("ReduceScatter", async () => {
      for (const T of arrayTypes) for (const [name, op] of OPS) {
        const counts = range(size).map((i) => i + 1);
        const mine = name === "PROD" ? rank + 1 : rank;
        const b = filled(T, mine, counts.reduce((a, x) => a + x, 0));
        await reduceScatter(mpi.IN_PLACE, typed(b), counts, op);
        eq(nums(b), nums(b).map((v, i) => (i >= counts[rank] ? mine : unlessOverflow(b, v, rsValue(name)))), `${T.name} ${name}`);
      }
    });
  }

  for (const exclusive of [false, true]) {
    c(exclusive ? "Exscan" : "Scan", async () => {
      for (const T of arrayTypes) for (const [name, op] of OPS) for (let mode = 0; mode < (o.sameBuffer ? 2 : 1); mode++) {
        const b = iota(T, size);
        const r = typed(b);
        await (exclusive ? coll.exscan : coll.scan)(sends(r)[mode], r, op);
        const n = exclusive ? rank : rank + 1;
        if (n >= 1) eq(nums(b), nums(b).map((v, i) => unlessOverflow(b, v, reduced(name, i, n))), `${T.name} ${name} mode=${mode}`);
      }
    });
  }
}

export function registerReduceLocal(suite: Suite): void {
  suite.case("ReduceLocal", () => {
    for (const T of arrayTypes) for (const [name, op] of OPS) {
      const s = filled(T, 0, 5);
      for (let i = 0; i < 5; i++) s[i] = (s instanceof BigInt64Array ? BigInt(i + 1) : i + 1) as never;
      const r = iota(T, 5);
      mpi.reduceLocal(typed(s), typed(r), op);
      eq(nums(s), [1, 2, 3, 4, 5], `${T.name} ${name}: input untouched`);
      const want = range(5).map((i) => (name === "SUM" ? 2 * i + 1 : name === "PROD" ? i * (i + 1) : name === "MAX" ? i + 1 : i));
      eq(nums(r), want, `${T.name} ${name}`);
    }
  });
  suite.case("ReduceLocalBadCount", async () => {
    for (const T of arrayTypes) for (const [name, op] of OPS) {
      await throwsCode("ERR_COUNT", `${T.name} ${name} counts 2 and 3`, () => mpi.reduceLocal(typed(iota(T, 3), 2), typed(iota(T, 3), 3), op));
      const raw = new Uint8Array(16);
      await throwsCode("ERR_TYPE", `${T.name} ${name} INT32 and INT16`, () => mpi.reduceLocal(mpi.buf(raw, mpi.INT32, 1), mpi.buf(raw, mpi.INT16, 1), op));
    }
  });
}
