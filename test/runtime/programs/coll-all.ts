// Runs every collective of tsmpi, value and buffer mode, every root, and checks each result against a
// sequential oracle computed here from the ranks (test/runtime/collectives*.test.ts runs it at every np,
// once per set of algorithms forced with tsrun --coll). Prints one JSON summary line on rank 0.
import * as mpi from "tsmpi";
import { Checks, range } from "./coll-check.ts";

const comm = await mpi.init();
const rank = comm.rank;
const p = comm.size;
const C = new Checks(rank);
const concat = mpi.Op.create((a: number[], b: number[]) => [...a, ...b], false);
/**
 * Buffer-mode non-commutative (associative) op: composition of affine maps x → m·x + c stored as
 * interleaved (m, c); with m = 10 and c = a digit per rank, the result's c spells the digits in rank order.
 */
const digits = mpi.Op.create((a: Float64Array, b: Float64Array) => {
  for (let i = 0; i < b.length; i += 2) {
    const m = a[i] * b[i];
    b[i + 1] = b[i] * a[i + 1] + b[i + 1];
    b[i] = m;
  }
}, false);
/** element i of rank r's data for `digits`: (10, digit) pairs */
const digit = (r: number, i: number) => (i % 2 === 0 ? 10 : (r + (i >> 1)) % 10);
/** element i of the left fold over `ranks` */
const digitFold = (ranks: number[], i: number) =>
  i % 2 === 0 ? 10 ** ranks.length : ranks.reduce((acc, r) => acc * 10 + digit(r, i), 0);
const val = (r: number, i: number) => r * 1000 + i;
const f64 = (n: number, f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
const i32 = (n: number, f: (i: number) => number) => Int32Array.from({ length: n }, (_, i) => f(i));
const sumOver = (ranks: number[], f: (r: number) => number) => ranks.reduce((a, r) => a + f(r), 0);
const all = range(p);

/** FLOAT64_INT pairs (extent 16: value at 0, INT32 index at 8) in a byte buffer. */
function pairs(list: [number, number][]): Uint8Array {
  const bytes = new Uint8Array(list.length * 16);
  const dv = new DataView(bytes.buffer);
  list.forEach(([v, i], k) => (dv.setFloat64(k * 16, v, true), dv.setInt32(k * 16 + 8, i, true)));
  return bytes;
}
function readPairs(bytes: Uint8Array): [number, number][] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset);
  return Array.from({ length: bytes.length / 16 }, (_, k) => [dv.getFloat64(k * 16, true), dv.getInt32(k * 16 + 8, true)]);
}

// ---- p2p traffic must never meet collective traffic -------------------------------------------------
const right = (rank + 1) % p;
const left = (rank - 1 + p) % p;
const early = p > 1 ? comm.irecv(mpi.ANY_SOURCE, mpi.ANY_TAG) : null;
const tagged = p > 1 ? [0, 1, 2].map((t) => comm.isend({ tag: t, from: rank }, right, t)) : [];

// ---- rooted collectives, every root ----------------------------------------------------------------
for (let root = 0; root < p; root++) {
  const isRoot = rank === root;
  const at = `root=${root}`;
  const obj = { root, list: range(root + 2), text: "b".repeat(root), nested: { big: 2n ** 70n } };
  C.eq(`bcast ${at}`, await comm.bcast(isRoot ? obj : undefined, root), obj);
  const items = all.map((i) => ({ i, root, s: `item${i}` }));
  C.eq(`scatter ${at}`, await comm.scatter(isRoot ? items : undefined, root), items[rank]);
  C.eq(`gather ${at}`, await comm.gather([rank, root], root), isRoot ? all.map((r) => [r, root]) : undefined);
  C.eq(`reduce SUM ${at}`, await comm.reduce((rank + 1) * (root + 1), mpi.SUM, root), isRoot ? ((p * (p + 1)) / 2) * (root + 1) : undefined);
  C.eq(`reduce concat ${at}`, await comm.reduce([rank], concat, root), isRoot ? all : undefined);
  C.eq(`reduce MAXLOC ties ${at}`, await comm.reduce([rank % 2, rank], mpi.MAXLOC, root), isRoot ? (p > 1 ? [1, 1] : [0, 0]) : undefined);
  C.eq(`reduce MINLOC ties ${at}`, await comm.reduce([rank % 2 ? -1 : 0, rank], mpi.MINLOC, root), isRoot ? (p > 1 ? [-1, 1] : [0, 0]) : undefined);
  C.eq(`reduce Int32Array MAX ${at}`, await comm.reduce(i32(3, (i) => (rank * 7 + i) % 5), mpi.MAX, root), isRoot ? i32(3, (i) => Math.max(...all.map((r) => (r * 7 + i) % 5))) : undefined);

  for (const n of [1, 7]) {
    const b = isRoot ? f64(n, (i) => val(root, i)) : new Float64Array(n);
    await comm.bcastInto(mpi.buf(b), root);
    C.eq(`bcastInto n=${n} ${at}`, b, f64(n, (i) => val(root, i)));
  }
  // a column of a 4×3 row-major matrix (non-contiguous type)
  const column = mpi.Datatype.vector(4, 1, 3, mpi.FLOAT64).commit();
  const m = f64(12, (i) => (isRoot ? val(root, i) : -1));
  await comm.bcastInto(mpi.buf(m, column, 1, 1), root);
  C.eq(`bcastInto column ${at}`, m, f64(12, (i) => (isRoot || i % 3 === 1 ? (isRoot ? val(root, i) : val(root, i)) : -1)));

  const k = 3;
  const sendAll = i32(p * k, (i) => val(Math.floor(i / k), i));
  const mine = new Int32Array(k);
  await comm.scatterInto(isRoot ? mpi.buf(sendAll) : null, mpi.buf(mine), root);
  C.eq(`scatterInto ${at}`, mine, sendAll.slice(rank * k, rank * k + k));
  const inPlace = isRoot ? i32(p * k, (i) => val(Math.floor(i / k), i)) : new Int32Array(k);
  await comm.scatterInto(isRoot ? mpi.buf(inPlace) : null, isRoot ? mpi.IN_PLACE : mpi.buf(inPlace), root);
  C.eq(`scatterInto IN_PLACE ${at}`, isRoot ? inPlace : inPlace, isRoot ? sendAll : sendAll.slice(rank * k, rank * k + k));

  const counts = all.map((i) => (i % 3) + 1);
  const displs = all.map((i) => sumOver(range(i), (j) => counts[j] + 1));
  const vlen = displs[p - 1] + counts[p - 1] + 1;
  const vsend = f64(vlen, (i) => val(root, i));
  const vmine = new Float64Array(counts[rank]);
  await comm.scattervInto(isRoot ? mpi.buf(vsend) : null, isRoot ? counts : null, isRoot ? displs : null, mpi.buf(vmine), root);
  C.eq(`scattervInto ${at}`, vmine, vsend.slice(displs[rank], displs[rank] + counts[rank]));

  const gathered = new Int32Array(p * k).fill(-1);
  await comm.gatherInto(mpi.buf(i32(k, (i) => val(rank, i))), isRoot ? mpi.buf(gathered) : null, root);
  if (isRoot) C.eq(`gatherInto ${at}`, gathered, i32(p * k, (i) => val(Math.floor(i / k), i % k)));
  const gIn = i32(p * k, (i) => (Math.floor(i / k) === rank ? val(rank, i % k) : -1));
  await comm.gatherInto(isRoot ? mpi.IN_PLACE : mpi.buf(gIn, mpi.INT32, k, rank * k), isRoot ? mpi.buf(gIn) : null, root);
  if (isRoot) C.eq(`gatherInto IN_PLACE ${at}`, gIn, i32(p * k, (i) => val(Math.floor(i / k), i % k)));
  const vg = new Float64Array(vlen).fill(-1);
  await comm.gathervInto(mpi.buf(f64(counts[rank], (i) => val(rank, i))), isRoot ? mpi.buf(vg) : null, counts, displs, root);
  if (isRoot) {
    const want = new Float64Array(vlen).fill(-1);
    all.forEach((r) => want.set(f64(counts[r], (i) => val(r, i)), displs[r]));
    C.eq(`gathervInto ${at}`, vg, want);
  }

  const red = new Int32Array(5).fill(-1);
  await comm.reduceInto(mpi.buf(i32(5, (i) => val(rank, i))), isRoot ? mpi.buf(red) : null, mpi.SUM, root);
  if (isRoot) C.eq(`reduceInto SUM ${at}`, red, i32(5, (i) => sumOver(all, (r) => val(r, i))));
  const redIn = i32(5, (i) => val(rank, i));
  await comm.reduceInto(isRoot ? mpi.IN_PLACE : mpi.buf(redIn), isRoot ? mpi.buf(redIn) : null, mpi.SUM, root);
  if (isRoot) C.eq(`reduceInto IN_PLACE ${at}`, redIn, i32(5, (i) => sumOver(all, (r) => val(r, i))));
  const redDigits = new Float64Array(4);
  await comm.reduceInto(mpi.buf(f64(4, (i) => digit(rank, i))), isRoot ? mpi.buf(redDigits) : null, digits, root);
  if (isRoot) C.eq(`reduceInto non-commutative ${at}`, redDigits, f64(4, (i) => digitFold(all, i)));
  const loc = new Uint8Array(32);
  await comm.reduceInto(mpi.buf(pairs([[rank % 2, rank], [rank % 2 ? -1 : 0, rank]]), mpi.FLOAT64_INT, 2), isRoot ? mpi.buf(loc, mpi.FLOAT64_INT, 2) : null, mpi.MAXLOC, root);
  if (isRoot) C.eq(`reduceInto MAXLOC ties ${at}`, readPairs(loc), p > 1 ? [[1, 1], [0, 0]] : [[0, 0], [0, 0]]);
}

// ---- collectives without a root ---------------------------------------------------------------------
C.eq("allreduce SUM", await comm.allreduce(rank + 1), (p * (p + 1)) / 2);
C.eq("allreduce concat", await comm.allreduce([rank], concat), all);
C.eq("allreduce bigint", await comm.allreduce(BigInt(rank) * 2n ** 60n, mpi.SUM), BigInt((p * (p - 1)) / 2) * 2n ** 60n);
C.eq("allreduce LXOR", await comm.allreduce(rank % 2 === 1, mpi.LXOR), Math.floor(p / 2) % 2 === 1);
for (const n of [1, Math.max(1, p - 1), 100, 20000]) {
  C.eq(`allreduce Float64Array n=${n}`, await comm.allreduce(f64(n, (i) => val(rank, i))), f64(n, (i) => sumOver(all, (r) => val(r, i))));
}
C.eq("allreduce Int32Array BOR", await comm.allreduce(i32(6, (i) => 1 << ((rank + i) % 31)), mpi.BOR), i32(6, (i) => all.reduce((a, r) => a | (1 << ((r + i) % 31)), 0)));
C.eq("allgather", await comm.allgather({ r: rank }), all.map((r) => ({ r })));
C.eq("alltoall", await comm.alltoall(all.map((j) => `${rank}>${j}`)), all.map((i) => `${i}>${rank}`));
C.eq("scan SUM", await comm.scan(rank + 1), ((rank + 1) * (rank + 2)) / 2);
C.eq("scan concat", await comm.scan([rank], concat), range(rank + 1));
C.eq("exscan SUM", await comm.exscan(rank + 1), rank === 0 ? undefined : (rank * (rank + 1)) / 2);
C.eq("exscan concat", await comm.exscan([rank], concat), rank === 0 ? undefined : range(rank));
C.eq("reduceScatter SUM", await comm.reduceScatter(all.map((j) => val(rank, j))), sumOver(all, (r) => val(r, rank)));
C.eq("reduceScatter concat", await comm.reduceScatter(all.map((j) => [rank, j]), concat), all.flatMap((r) => [r, rank]));

for (const n of [1, 3, Math.max(1, p - 1), 1000, 40000]) {
  const out = new Float64Array(n);
  await comm.allreduceInto(mpi.buf(f64(n, (i) => val(rank, i))), mpi.buf(out));
  C.eq(`allreduceInto n=${n}`, out, f64(n, (i) => sumOver(all, (r) => val(r, i))));
}
const inPlaceAr = f64(5000, (i) => val(rank, i));
await comm.allreduceInto(mpi.IN_PLACE, mpi.buf(inPlaceAr), mpi.MAX);
C.eq("allreduceInto IN_PLACE MAX", inPlaceAr, f64(5000, (i) => val(p - 1, i)));
const arDigits = new Float64Array(6);
await comm.allreduceInto(mpi.buf(f64(6, (i) => digit(rank, i))), mpi.buf(arDigits), digits);
C.eq("allreduceInto non-commutative", arDigits, f64(6, (i) => digitFold(all, i)));
const colOut = f64(12, () => -1);
await comm.allreduceInto(mpi.buf(f64(4, (i) => val(rank, i))), mpi.buf(colOut, mpi.Datatype.vector(4, 1, 3, mpi.FLOAT64).commit(), 1, 2), mpi.SUM);
C.eq("allreduceInto into a column", colOut, f64(12, (i) => (i % 3 === 2 ? sumOver(all, (r) => val(r, (i - 2) / 3)) : -1)));
const locAll = new Uint8Array(16);
await comm.allreduceInto(mpi.buf(pairs([[rank % 2 ? -1 : 0, rank]]), mpi.FLOAT64_INT, 1), mpi.buf(locAll, mpi.FLOAT64_INT, 1), mpi.MINLOC);
C.eq("allreduceInto MINLOC ties", readPairs(locAll), p > 1 ? [[-1, 1]] : [[0, 0]]);

const sc = new Float64Array(4);
await comm.scanInto(mpi.buf(f64(4, (i) => val(rank, i))), mpi.buf(sc));
C.eq("scanInto SUM", sc, f64(4, (i) => sumOver(range(rank + 1), (r) => val(r, i))));
const scD = f64(4, (i) => digit(rank, i));
await comm.scanInto(mpi.IN_PLACE, mpi.buf(scD), digits);
C.eq("scanInto IN_PLACE non-commutative", scD, f64(4, (i) => digitFold(range(rank + 1), i)));
const ex = f64(4, () => -7);
await comm.exscanInto(mpi.buf(f64(4, (i) => digit(rank, i))), mpi.buf(ex), digits);
C.eq("exscanInto non-commutative", ex, rank === 0 ? f64(4, () => -7) : f64(4, (i) => digitFold(range(rank), i)));

const rsb = new Int32Array(2);
await comm.reduceScatterBlockInto(mpi.buf(i32(2 * p, (i) => val(rank, i))), mpi.buf(rsb), mpi.SUM);
C.eq("reduceScatterBlockInto", rsb, i32(2, (i) => sumOver(all, (r) => val(r, rank * 2 + i))));
const rcounts = all.map((i) => 2 * ((i % 2) + 1));
const rstart = sumOver(range(rank), (j) => rcounts[j]);
const rsv = new Float64Array(rcounts[rank]);
await comm.reduceScatterInto(mpi.buf(f64(sumOver(all, (j) => rcounts[j]), (i) => digit(rank, i))), mpi.buf(rsv), rcounts, digits);
C.eq("reduceScatterInto non-commutative", rsv, f64(rcounts[rank], (i) => digitFold(all, rstart + i)));

const ag = new Int32Array(2 * p);
await comm.allgatherInto(mpi.buf(i32(2, (i) => val(rank, i))), mpi.buf(ag));
C.eq("allgatherInto", ag, i32(2 * p, (i) => val(Math.floor(i / 2), i % 2)));
const agIn = i32(2 * p, (i) => (Math.floor(i / 2) === rank ? val(rank, i % 2) : 0));
await comm.allgatherInto(mpi.IN_PLACE, mpi.buf(agIn));
C.eq("allgatherInto IN_PLACE", agIn, i32(2 * p, (i) => val(Math.floor(i / 2), i % 2)));
const gcounts = all.map((i) => (i % 3) + 1);
const gdispls = all.map((i) => sumOver(range(i), (j) => gcounts[j]));
const agv = new Float64Array(sumOver(all, (j) => gcounts[j]));
await comm.allgathervInto(mpi.buf(f64(gcounts[rank], (i) => val(rank, i))), mpi.buf(agv), gcounts, gdispls);
C.eq("allgathervInto", agv, Float64Array.from(all.flatMap((r) => range(gcounts[r]).map((i) => val(r, i)))));

const a2a = new Int32Array(3 * p);
await comm.alltoallInto(mpi.buf(i32(3 * p, (i) => val(rank, i))), mpi.buf(a2a));
C.eq("alltoallInto", a2a, i32(3 * p, (i) => val(Math.floor(i / 3), rank * 3 + (i % 3))));
const a2aIn = i32(2 * p, (i) => val(rank, i));
await comm.alltoallInto(mpi.IN_PLACE, mpi.buf(a2aIn));
C.eq("alltoallInto IN_PLACE", a2aIn, i32(2 * p, (i) => val(Math.floor(i / 2), rank * 2 + (i % 2))));
// rank i sends (i + j) % 3 + 1 items to rank j
const sc2 = all.map((j) => ((rank + j) % 3) + 1);
const sd2 = all.map((j) => sumOver(range(j), (q) => sc2[q]));
const rc2 = all.map((i) => ((i + rank) % 3) + 1);
const rd2 = all.map((i) => sumOver(range(i), (q) => rc2[q]));
const a2av = new Float64Array(sumOver(all, (i) => rc2[i]));
await comm.alltoallvInto(mpi.buf(f64(sumOver(all, (j) => sc2[j]), (x) => val(rank, x))), sc2, sd2, mpi.buf(a2av), rc2, rd2);
C.eq("alltoallvInto", a2av, Float64Array.from(all.flatMap((i) => range(rc2[i]).map((x) => val(i, x + sumOver(range(rank), (q) => ((i + q) % 3) + 1))))));
// alltoallw: one FLOAT64 to every rank from a Float64Array, received as one FLOAT64 each at byte offsets 8*i
const w = new Float64Array(p);
await comm.alltoallw(f64(p, (j) => val(rank, j)), all.map(() => 1), all.map((j) => 8 * j), all.map(() => mpi.FLOAT64), w, all.map(() => 1), all.map((i) => 8 * i), all.map(() => mpi.FLOAT64));
C.eq("alltoallw", w, f64(p, (i) => val(i, rank)));

// ---- nonblocking, several outstanding, completed in reverse order -----------------------------------
const nbOut = new Float64Array(3);
const reqs = [
  comm.ibarrier(),
  comm.ibcast(rank === p - 1 ? "from last" : null, p - 1),
  comm.iallreduce(rank, mpi.MAX),
  comm.iallreduceInto(mpi.buf(f64(3, (i) => val(rank, i))), mpi.buf(nbOut)),
  comm.igather(rank * 2, 0),
  comm.iscan([rank], concat),
];
const nb = [];
for (const r of [...reqs].reverse()) nb.unshift(await r.wait());
C.eq("nonblocking", nb, [undefined, "from last", p - 1, undefined, rank === 0 ? all.map((r) => r * 2) : undefined, range(rank + 1)]);
C.eq("iallreduceInto", nbOut, f64(3, (i) => sumOver(all, (r) => val(r, i))));

// ---- two communicators' collectives never mix --------------------------------------------------------
const twin = await comm.dup();
const onTwin = twin.ibcast(`twin ${rank}`, 0);
const onComm = comm.ibcast(`comm ${rank}`, p - 1);
const onTwin2 = twin.iallreduce([rank], concat);
C.eq("dup bcast", [await onComm.wait(), await onTwin2.wait(), await onTwin.wait()], [`comm ${p - 1}`, all, "twin 0"]);
await twin.free();

// ---- the early user receive got the user message, not collective traffic ----------------------------
if (p > 1) {
  await comm.send({ late: rank }, right, 7);
  const gotEarly = await early!.wait();
  C.eq("early ANY_SOURCE/ANY_TAG receive", gotEarly, { tag: 0, from: left });
  await mpi.waitall(tagged);
  for (const t of [1, 2]) C.eq(`user tag ${t}`, await comm.recv(left, t), { tag: t, from: left });
  C.eq("user tag 7", await comm.recv(left, 7), { late: left });
}

await C.report(comm, { coll: process.env.TSMPI_COLL ?? "auto" });
await mpi.finalize();
