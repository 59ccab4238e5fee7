// The cases of mpi4py's test_cco_buf.py and test_cco_nb_buf.py (buffer-mode collectives, plain and in
// place), written once: `Coll` is either the blocking *Into methods or the nonblocking i*Into ones
// followed by wait(). A missing nonblocking form is null and its cases are not registered.
import * as mpi from "tsmpi";
import { eq, type Suite } from "./harness.ts";
import { arrayTypes, filled, nums, rep } from "./values.ts";

type Spec = mpi.BufSpec;
type Send = Spec | typeof mpi.IN_PLACE;
type Maybe = Spec | undefined;
export interface Coll {
  bcast(b: Spec, root: number): Promise<unknown>;
  gather(s: Send, r: Maybe, root: number): Promise<unknown>;
  scatter(s: Maybe, r: Send, root: number): Promise<unknown>;
  allgather(s: Send, r: Spec): Promise<unknown>;
  alltoall(s: Send, r: Spec): Promise<unknown>;
  reduce(s: Send, r: Maybe, op: mpi.Op, root: number): Promise<unknown>;
  allreduce(s: Send, r: Spec, op: mpi.Op): Promise<unknown>;
  reduceScatter: ((s: Send, r: Spec, counts: number[], op: mpi.Op) => Promise<unknown>) | null;
  reduceScatterBlock: ((s: Send, r: Spec, op: mpi.Op) => Promise<unknown>) | null;
  scan(s: Send, r: Spec, op: mpi.Op): Promise<unknown>;
  exscan(s: Send, r: Spec, op: mpi.Op): Promise<unknown>;
}

export function blockingColl(c: mpi.Intracomm): Coll {
  return {
    bcast: (b, root) => c.bcastInto(b, root),
    gather: (s, r, root) => c.gatherInto(s, r, root),
    scatter: (s, r, root) => c.scatterInto(s, r, root),
    allgather: (s, r) => c.allgatherInto(s, r),
    alltoall: (s, r) => c.alltoallInto(s, r),
    reduce: (s, r, op, root) => c.reduceInto(s, r, op, root),
    allreduce: (s, r, op) => c.allreduceInto(s, r, op),
    reduceScatter: (s, r, counts, op) => c.reduceScatterInto(s, r, counts, op),
    reduceScatterBlock: (s, r, op) => c.reduceScatterBlockInto(s, r, op),
    scan: (s, r, op) => c.scanInto(s, r, op),
    exscan: (s, r, op) => c.exscanInto(s, r, op),
  };
}

export function nonblockingColl(c: mpi.Intracomm): Coll {
  const any = c as unknown as Record<string, ((...a: unknown[]) => mpi.Request) | undefined>;
  const optional = (name: string) => (any[name] ? (...a: unknown[]) => any[name]!.apply(c, a).wait() : null);
  return {
    bcast: (b, root) => c.ibcastInto(b, root).wait(),
    gather: (s, r, root) => c.igatherInto(s, r, root).wait(),
    scatter: (s, r, root) => c.iscatterInto(s, r, root).wait(),
    allgather: (s, r) => c.iallgatherInto(s, r).wait(),
    alltoall: (s, r) => c.ialltoallInto(s, r).wait(),
    reduce: (s, r, op, root) => c.ireduceInto(s, r, op, root).wait(),
    allreduce: (s, r, op) => c.iallreduceInto(s, r, op).wait(),
    reduceScatter: optional("ireduceScatterInto"),
    reduceScatterBlock: optional("ireduceScatterBlockInto"),
    scan: (s, r, op) => c.iscanInto(s, r, op).wait(),
    exscan: (s, r, op) => c.iexscanInto(s, r, op).wait(),
  };
}

const OPS: [string, mpi.Op][] = [["SUM", mpi.SUM], ["PROD", mpi.PROD], ["MAX", mpi.MAX], ["MIN", mpi.MIN]];
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const product = (xs: number[]) => xs.reduce((a, b) => a * b, 1);

/** mpi4py's maxvalue(): results above it overflow the type and are not checked. */
function maxValue(a: ArrayBufferView): number {
  if (a instanceof Float32Array) return 1e30;
  if (a instanceof Float64Array) return 1e300;
  return 2 ** ((a as Int8Array).BYTES_PER_ELEMENT * 7) - 1;
}

/** Checks each element against `expect(i)` (null: overflow, not checked; mpi4py's `if x < max_val`). */
function elementsAre(a: ArrayLike<number | bigint> & ArrayBufferView, expect: (i: number) => number | null, what: string): void {
  const got = nums(a);
  const want = got.map((v, i) => {
    const e = expect(i);
    return e === null || e >= maxValue(a) ? v : e;
  });
  eq(got, want, what);
}

/** The reduction of rank-order operands: value i on each of n ranks. */
function reduced(op: string, i: number, n: number): number {
  return op === "SUM" ? i * n : op === "PROD" ? i ** n : i;
}

export function registerCcoBuf(suite: Suite, cname: string, comm: mpi.Intracomm, coll: Coll): void {
  const size = comm.size;
  const rank = comm.rank;
  const c = (name: string, body: () => Promise<void>) => suite.case(`${name}[${cname}]`, body);
  const typed = (a: ArrayBufferView, count?: number) => mpi.buf(a as never, undefined, count);

  c("Barrier", () => comm.barrier());

  c("Bcast", async () => {
    for (const T of arrayTypes) for (let root = 0; root < size; root++) {
      const b = filled(T, rank === root ? root : -1, root);
      await coll.bcast(typed(b), root);
      eq(nums(b), rep(root, root), `${T.name} root=${root}`);
    }
  });

  c("Gather", async () => {
    for (const T of arrayTypes) for (let root = 0; root < size; root++) {
      const r = rank === root ? filled(T, -1, size * (root + 1)) : undefined;
      await coll.gather(typed(filled(T, root, root + 1)), r && typed(r), root);
      if (r) eq(nums(r), rep(root, size * (root + 1)), `${T.name} root=${root}`);
    }
  });

  c("Scatter", async () => {
    for (const T of arrayTypes) for (let root = 0; root < size; root++) {
      const r = filled(T, -1, size);
      await coll.scatter(rank === root ? typed(filled(T, root, size * size)) : undefined, typed(r), root);
      eq(nums(r), rep(root, size), `${T.name} root=${root}`);
    }
  });

  c("Allgather", async () => {
    for (const T of arrayTypes) for (let root = 0; root < size; root++) {
      const r = filled(T, -1, size * (root + 1));
      await coll.allgather(typed(filled(T, root, root + 1)), typed(r));
      eq(nums(r), rep(root, size * (root + 1)), `${T.name} n=${root + 1}`);
    }
  });

  c("Alltoall", async () => {
    for (const T of arrayTypes) for (let root = 0; root < size; root++) {
      const r = filled(T, -1, size * (root + 1));
      // the receive spec's count is per rank (mpi4py's rbuf.as_mpi_c(root + 1))
      await coll.alltoall(typed(filled(T, root, size * (root + 1))), typed(r, root + 1));
      eq(nums(r), rep(root, size * (root + 1)), `${T.name} count=${root + 1}`);
    }
  });

  c("Reduce", async () => {
    for (const T of arrayTypes) for (const [name, op] of OPS) for (let root = 0; root < size; root++) {
      const r = filled(T, -1, size);
      await coll.reduce(typed(iota(T, size)), typed(r), op, root);
      if (rank === root) elementsAre(r, (i) => reduced(name, i, size), `${T.name} ${name} root=${root}`);
      else eq(nums(r), rep(-1, size), `${T.name} ${name}: untouched off root`);
    }
  });

  c("Allreduce", async () => {
    for (const T of arrayTypes) for (const [name, op] of OPS) {
      const r = filled(T, 0, size);
      await coll.allreduce(typed(iota(T, size)), typed(r), op);
      elementsAre(r, (i) => reduced(name, i, size), `${T.name} ${name}`);
    }
  });

  const rsValue = (name: string) => (name === "SUM" ? size * (size - 1) / 2 : name === "PROD" ? product(range(size).map((i) => i + 1)) : name === "MAX" ? size - 1 : 0);

  if (coll.reduceScatter) {
    const reduceScatter = coll.reduceScatter;
    c("ReduceScatter", async () => {
      for (const T of arrayTypes) for (const [name, op] of OPS) {
        const counts = range(size).map((i) => i + 1);
        const total = counts.reduce((a, b) => a + b, 0);
        const r = filled(T, -1, rank + 1);
        await reduceScatter(typed(filled(T, rank + 1, total)), typed(r), counts, op);
        const want = name === "SUM" ? size * (size + 1) / 2 : name === "PROD" ? product(counts) : name === "MAX" ? size : 1;
        elementsAre(r, () => want, `${T.name} ${name}`);
      }
    });
  }

  if (coll.reduceScatterBlock) {
    const reduceScatterBlock = coll.reduceScatterBlock;
    c("ReduceScatterBlock", async () => {
      for (const T of arrayTypes) for (const [name, op] of OPS) for (let rcnt = 1; rcnt <= size; rcnt++) {
        const r = filled(T, -1, rcnt);
        await reduceScatterBlock(typed(filled(T, name === "PROD" ? rank + 1 : rank, rcnt * size)), typed(r), op);
        elementsAre(r, () => rsValue(name), `${T.name} ${name} rcnt=${rcnt}`);
      }
    });
  }

  c("Scan", async () => {
    for (const T of arrayTypes) for (const [name, op] of OPS) {
      const r = filled(T, 0, size);
      await coll.scan(typed(iota(T, size)), typed(r), op);
      elementsAre(r, (i) => reduced(name, i, rank + 1), `${T.name} ${name}`);
    }
  });

  c("Exscan", async () => {
    for (const T of arrayTypes) for (const [name, op] of OPS) {
      const r = filled(T, 0, size);
      await coll.exscan(typed(iota(T, size)), typed(r), op);
      if (rank >= 1) elementsAre(r, (i) => reduced(name, i, rank), `${T.name} ${name}`);
    }
  });

  c("BcastTypeIndexed", async () => {
    for (const T of arrayTypes) for (let root = 0; root < size; root++) for (const first of [0, 1]) {
      const b = rank === root ? iota(T, 10) : filled(T, -1, 10);
      const indices = range(10).filter((i) => i % 2 === first);
      const type = mpi.Datatype.indexedBlock(1, indices, mpi.buf(b as never).type).commit();
      await coll.bcast(mpi.buf(b as never, type, 1), root);
      if (rank !== root) eq(nums(b), range(10).map((i) => (i % 2 === first ? i : -1)), `${T.name} root=${root} from ${first}`);
    }
  });
}

/** [0, 1, …, n-1] as a typed array (mpi4py's array(range(n), typecode)). */
function iota(T: (typeof arrayTypes)[number], n: number) {
  const a = filled(T, 0, n);
  for (let i = 0; i < n; i++) a[i] = (a instanceof BigInt64Array ? BigInt(i) : i) as never;
  return a;
}
export { iota };
