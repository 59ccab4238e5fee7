// Conformance: mpi4py test/test_op.py (user ops in a reduction, calling an op on two operands with
// op.call(x, y), MINLOC/MAXLOC ties, commutativity, predefined-ness) and test/test_pack.py (packSize,
// pack/unpack of two arrays one after the other), the latter on COMM_SELF and COMM_WORLD.
import * as mpi from "tsmpi";
import { Suite, check, eq } from "./lib/harness.ts";
import { arrayTypes, filled, nums } from "./lib/values.ts";

const suite = new Suite();
await mpi.init();
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** mpi4py's mysum: b[i] = a[i] + b[i], returns b. */
const mysum = (a: Int32Array, b: Int32Array) => {
  for (let i = 0; i < a.length; i++) b[i] = a[i] + b[i];
  return b;
};

for (const [cname, comm] of [["SELF", mpi.COMM_SELF], ["WORLD", mpi.COMM_WORLD]] as const) {
  suite.case(`op.Create[${cname}]`, async () => {
    for (const commute of [true, false]) for (let N = 0; N < 4; N++) {
      const myop = mpi.Op.create(mysum, commute);
      eq([myop.isPredefined, myop.isCommutative], [false, commute], "a user op");
      const a = Int32Array.from(range(N), (i) => i * (comm.rank + 1));
      const b = new Int32Array(N);
      await comm.allreduceInto(mpi.buf(a, mpi.INT32), mpi.buf(b, mpi.INT32), myop);
      const scale = range(comm.size).reduce((s, i) => s + i + 1, 0);
      eq(Array.from(b), range(N).map((i) => scale * i), `allreduce with a user op, N=${N} commute=${commute}`);
      // mpi4py's op(a, b) is MPI_Reduce_local: b = a op b
      mpi.reduceLocal(mpi.buf(a), mpi.buf(b), myop);
      eq(Array.from(b), range(N).map((i) => a[i] + scale * i), "op(a, b)");
      const ones = new Int32Array(N).fill(1);
      const twos = new Int32Array(N).fill(2);
      mpi.reduceLocal(mpi.buf(ones), mpi.buf(twos), myop);
      eq(Array.from(twos), Array(N).fill(3), "op(1s, 2s)");
      myop.free();
    }
  });
}

suite.case("op.ReduceLocalUser", () => {
  // test_op.py testCreateMany's local reductions with a user bitwise-or over bytes
  const mybor = (a: Uint8Array, b: Uint8Array) => {
    for (let i = 0; i < a.length; i++) b[i] = a[i] | b[i];
  };
  for (let k = 0; k < 32; k++) {
    const op = mpi.Op.create(mybor);
    const b1 = new Uint8Array(3).fill(2);
    const b2 = new Uint8Array(3).fill(4);
    mpi.reduceLocal(mpi.buf(b1, mpi.UINT8), mpi.buf(b2, mpi.UINT8), op);
    eq([Array.from(b1), Array.from(b2)], [[2, 2, 2], [6, 6, 6]], "in unchanged, inout = in | inout");
    op.free();
  }
});

suite.case("op.Call", () => {
  const call = (op: mpi.Op, x: unknown, y: unknown) => op.call(x, y);
  eq([call(mpi.MIN, 2, 3), call(mpi.MAX, 2, 3), call(mpi.SUM, 2, 3), call(mpi.PROD, 2, 3)], [2, 3, 5, 6], "MIN MAX SUM PROD");
  for (const x of [false, true]) for (const y of [false, true]) {
    eq([call(mpi.LAND, x, y), call(mpi.LOR, x, y), call(mpi.LXOR, x, y)], [x && y, x || y, x !== y], `logical ops on ${x}, ${y}`);
  }
  for (const x of range(5)) for (const y of range(5)) {
    eq([call(mpi.BAND, x, y), call(mpi.BOR, x, y), call(mpi.BXOR, x, y)], [x & y, x | y, x ^ y], `bitwise ops on ${x}, ${y}`);
  }
  eq([call(mpi.REPLACE, 2, 3), call(mpi.REPLACE, 3, 2)], [3, 2], "REPLACE(x, y) = y");
  eq([call(mpi.NO_OP, 2, 3), call(mpi.NO_OP, 3, 2)], [2, 3], "NO_OP(x, y) = x");
});

suite.case("op.MinMax", () => {
  eq([mpi.MIN.call([1], [1]), mpi.MAX.call([1], [1])], [[1], [1]], "MIN/MAX of equal lists");
});

suite.case("op.MinMaxLoc", () => {
  const loc = (op: mpi.Op, u: [number, number], v: [number, number]) => op.call(u, v);
  eq([loc(mpi.MINLOC, [1, 2], [2, 1]), loc(mpi.MINLOC, [2, 1], [1, 2])], [[1, 2], [1, 2]], "MINLOC picks the smaller value");
  eq([loc(mpi.MAXLOC, [1, 2], [2, 1]), loc(mpi.MAXLOC, [2, 1], [1, 2])], [[2, 1], [2, 1]], "MAXLOC picks the larger value");
  eq([loc(mpi.MINLOC, [1, 0], [1, 1]), loc(mpi.MAXLOC, [1, 0], [1, 1])], [[1, 0], [1, 0]], "ties → smaller index (first)");
  eq([loc(mpi.MINLOC, [1, 1], [1, 0]), loc(mpi.MAXLOC, [1, 1], [1, 0])], [[1, 0], [1, 0]], "ties → smaller index (second)");
});

const predefined = [mpi.MAX, mpi.MIN, mpi.SUM, mpi.PROD, mpi.LAND, mpi.BAND, mpi.LOR, mpi.BOR, mpi.LXOR, mpi.BXOR, mpi.MAXLOC, mpi.MINLOC];
suite.case("op.IsCommutative", () => eq(predefined.map((o) => o.isCommutative), predefined.map(() => true), "predefined ops commute"));
suite.case("op.IsCommutativeExtra", () => eq([mpi.REPLACE, mpi.NO_OP].map((o) => typeof o.isCommutative), ["boolean", "boolean"], "REPLACE and NO_OP say"));
suite.case("op.IsPredefined", () => eq(predefined.map((o) => o.isPredefined), predefined.map(() => true), "predefined"));

for (const [cname] of [["SELF"], ["WORLD"]] as const) {
  suite.case(`pack.PackSize[${cname}]`, () => {
    for (const T of arrayTypes) {
      const type = mpi.buf(new T(0) as never).type;
      const overhead = mpi.packSize(0, type);
      for (let count = 0; count < 10; count++) eq(mpi.packSize(count, type) - overhead, count * type.size, `${T.name} count=${count}`);
    }
  });

  suite.case(`pack.PackUnpack[${cname}]`, () => {
    for (const T1 of arrayTypes) for (const T2 of arrayTypes) for (let count = 0; count < 10; count++) {
      const what = `${T1.name}+${T2.name} count=${count}`;
      const in1 = iota(T1, count);
      const in2 = iota(T2, count);
      const out1 = filled(T1, count, count);
      const out2 = filled(T2, count, count);
      const t1 = mpi.buf(in1 as never).type;
      const t2 = mpi.buf(in2 as never).type;
      const tmp = new Uint8Array(mpi.packSize(count, t1) + mpi.packSize(count, t2) + 1);
      const p1 = mpi.pack(mpi.buf(in1 as never), tmp, 0);
      const p2 = mpi.pack(mpi.buf(in2 as never), tmp, p1);
      if (count) check(p1 > 0 && p2 > p1, `${what}: pack positions advance (${p1}, ${p2})`);
      else eq([p1, p2], [0, 0], `${what}: nothing packed`);
      const q1 = mpi.unpack(tmp, 0, mpi.buf(out1 as never));
      const q2 = mpi.unpack(tmp, q1, mpi.buf(out2 as never));
      eq([q1, q2], [p1, p2], `${what}: unpack positions`);
      eq([nums(out1), nums(out2)], [nums(in1), nums(in2)], `${what}: round trip`);
    }
  });
}

function iota(T: (typeof arrayTypes)[number], n: number) {
  const a = filled(T, 0, n);
  for (let i = 0; i < n; i++) a[i] = (a instanceof BigInt64Array ? BigInt(i) : i) as never;
  return a;
}

await suite.run();
