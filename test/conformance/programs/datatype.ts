// Conformance: mpi4py test/test_datatype.py over tsmpi's predefined types: extent/size/true extent,
// envelopes of named types, commit, value-index pair types, and for every constructor (dup, contiguous,
// vector, hvector, indexed, hindexed, indexedBlock, hindexedBlock, struct, subarray, resized) the
// envelope/contents consistency and a re-creation from the contents that decodes the same (mpi4py's
// check_contents + check_recreate).
import * as mpi from "tsmpi";
import { Suite, check, eq, throwsCode } from "./lib/harness.ts";

const suite = new Suite();
await mpi.init();
const D = mpi.Datatype;
const datatypes = [mpi.BYTE, mpi.INT8, mpi.UINT8, mpi.INT16, mpi.UINT16, mpi.INT32, mpi.UINT32, mpi.INT64, mpi.UINT64, mpi.FLOAT32, mpi.FLOAT64];
const range = (a: number, b?: number) => (b === undefined ? Array.from({ length: a }, (_, i) => i) : Array.from({ length: b - a }, (_, i) => a + i));

suite.case("GetExtent", () => {
  for (const t of datatypes) eq([t.ub, t.extent], [t.lb + t.extent, t.ub - t.lb], `${t}`);
});
suite.case("GetSize", () => {
  for (const t of datatypes) eq(t.size, t.arrayType ? t.arrayType.BYTES_PER_ELEMENT : 1, `${t}`);
});
suite.case("GetTrueExtent", () => {
  for (const t of datatypes) eq([t.trueLb, t.trueExtent], [0, t.size], `${t}`);
});
suite.case("GetEnvelope", () => {
  for (const t of datatypes) {
    eq(t.getEnvelope(), { combiner: "NAMED", numIntegers: 0, numAddresses: 0, numDatatypes: 0 }, `${t}`);
    check(t.isPredefined, `${t} is predefined`);
  }
});
suite.case("Commit", () => {
  for (const t of datatypes) t.commit();
});
suite.case("GetValueIndex", () => {
  // mpi4py: Get_value_index(FLOAT/DOUBLE/INT, INT) are the named pair types MAXLOC/MINLOC use
  eq([mpi.FLOAT32_INT.size, mpi.FLOAT64_INT.size, mpi.INT32_INT.size], [8, 12, 8], "pair type sizes (value then INT32)");
  for (const t of [mpi.FLOAT32_INT, mpi.FLOAT64_INT, mpi.INT32_INT]) check(t.isPredefined, `${t} is predefined`);
});

/** Builds a type again from its combiner and contents, following MPI_Type_get_contents' layout. */
function recreate(t: mpi.Datatype): mpi.Datatype {
  const { combiner } = t.getEnvelope();
  const { integers: i, addresses: a, datatypes: d } = t.getContents();
  switch (combiner) {
    case "DUP": return D.dup(d[0]);
    case "CONTIGUOUS": return D.contiguous(i[0], d[0]);
    case "VECTOR": return D.vector(i[0], i[1], i[2], d[0]);
    case "HVECTOR": return D.hvector(i[0], i[1], a[0], d[0]);
    case "INDEXED": return D.indexed(i.slice(1, 1 + i[0]), i.slice(1 + i[0]), d[0]);
    case "HINDEXED": return D.hindexed(i.slice(1), a, d[0]);
    case "INDEXED_BLOCK": return D.indexedBlock(i[1], i.slice(2), d[0]);
    case "HINDEXED_BLOCK": return D.hindexedBlock(i[1], a, d[0]);
    case "STRUCT": return D.struct(i.slice(1), a, d);
    case "SUBARRAY": {
      const n = i[0];
      return D.subarray(i.slice(1, 1 + n), i.slice(1 + n, 1 + 2 * n), i.slice(1 + 2 * n, 1 + 3 * n), d[0], i[1 + 3 * n] === mpi.ORDER_C ? "C" : ("F" as never));
    }
    case "RESIZED": return D.resized(d[0], a[0], a[1]);
    default: throw new Error(`no re-creation for combiner ${combiner}`);
  }
}

const decode = (t: mpi.Datatype) => {
  const c = t.getContents();
  return [t.getEnvelope().combiner, c.integers, c.addresses, c.datatypes.map(String)];
};

/** mpi4py's check(): contents consistent with the envelope, re-creation decodes the same, before and after commit. */
function checkType(make: () => mpi.Datatype, what: string): void {
  const t = make();
  for (const phase of ["new", "committed"]) {
    const env = t.getEnvelope();
    const c = t.getContents();
    eq([env.numIntegers, env.numAddresses, env.numDatatypes], [c.integers.length, c.addresses.length, c.datatypes.length], `${what} (${phase}): envelope counts`);
    check(env.combiner !== "NAMED" && !t.isPredefined, `${what} (${phase}): a derived type`);
    const again = recreate(t);
    eq(decode(again), decode(t), `${what} (${phase}): re-created from its contents`);
    eq([again.size, again.lb, again.extent, again.trueLb, again.trueExtent], [t.size, t.lb, t.extent, t.trueLb, t.trueExtent], `${what} (${phase}): same layout`);
    t.commit();
  }
  t.free();
}

suite.case("Create.Dup", () => {
  for (const t of datatypes) checkType(() => D.dup(t), `dup(${t})`);
});
suite.case("Create.Contiguous", () => {
  for (const t of datatypes) for (const count of range(5)) checkType(() => D.contiguous(count, t), `contiguous(${count}, ${t})`);
});
suite.case("Create.Vector", () => {
  for (const t of datatypes) for (const count of range(5)) for (const bl of range(5)) for (const stride of range(5)) {
    checkType(() => D.vector(count, bl, stride, t), `vector(${count}, ${bl}, ${stride}, ${t})`);
    checkType(() => D.hvector(count, bl, stride, t), `hvector(${count}, ${bl}, ${stride}, ${t})`);
  }
});
/** mpi4py's displacement pattern: each block starts one past the end of the previous one. */
function displacements(blocklengths: number[], extent: number): number[] {
  const out = [0];
  for (const b of blocklengths.slice(0, -1)) out.push(out[out.length - 1] + b * extent + 1);
  return out;
}
suite.case("Create.Indexed", () => {
  for (const t of datatypes) for (const block of range(5)) {
    const bls = range(block, block + 5);
    const displs = displacements(bls, t.extent);
    checkType(() => D.indexed(bls, displs, t), `indexed(${bls}, ${displs}, ${t})`);
    checkType(() => D.hindexed(bls, displs, t), `hindexed(${bls}, ${displs}, ${t})`);
    checkType(() => D.indexedBlock(block, displs, t), `indexedBlock(${block}, ${displs}, ${t})`);
  }
});
suite.case("Create.HindexedBlock", () => {
  for (const t of datatypes) for (const block of range(5)) {
    const displs = [0];
    for (let k = 0; k < 5; k++) displs.push(displs[displs.length - 1] + block * t.extent + 1);
    checkType(() => D.hindexedBlock(block, displs, t), `hindexedBlock(${block}, ${displs}, ${t})`);
  }
});
suite.case("Create.Struct", async () => {
  for (const t1 of datatypes) for (const t2 of datatypes) checkType(() => D.struct([2, 3], [0, t1.extent], [t1, t2]), `struct(${t1}, ${t2})`);
  for (const t of datatypes) {
    const chain = [D.dup(t)];
    chain.push(D.contiguous(2, chain[chain.length - 1]));
    chain.push(D.dup(chain[chain.length - 1]));
    chain.push(D.struct([1], [0], [chain[chain.length - 1]]));
    chain.push(D.dup(chain[chain.length - 1]));
    chain.push(D.resized(chain[chain.length - 1], 0, chain[chain.length - 1].extent));
    chain.push(D.dup(chain[chain.length - 1]));
    for (const dt of chain) checkType(() => D.struct([1, 1], [0, dt.extent * 2], [dt, dt]), `struct of ${dt}`);
  }
  // mpi4py: Create_struct([1], [0], [INT, FLOAT]) → ValueError (lists of different lengths)
  await throwsCode("ERR_ARG", "struct with 1 block length and 2 types", () => D.struct([1], [0], [mpi.INT32, mpi.FLOAT32]));
});
suite.case("Create.Subarray", () => {
  for (const t of datatypes) for (const ndim of range(1, 5)) for (const size of range(1, 5)) for (const subsize of range(1, size)) for (const start of range(size - subsize)) {
    for (const order of ["C", "F"]) {
      const dims = (v: number) => Array(ndim).fill(v);
      checkType(() => D.subarray(dims(size), dims(subsize), dims(start), t, order as never), `subarray(${size}^${ndim}, ${subsize}, ${start}, ${order}, ${t})`);
    }
  }
});
suite.case("Create.Resized", () => {
  for (const t of datatypes) for (const lb of range(-10, 10)) for (const extent of range(1, 10)) checkType(() => D.resized(t, lb, extent), `resized(${t}, ${lb}, ${extent})`);
});

await suite.run();
