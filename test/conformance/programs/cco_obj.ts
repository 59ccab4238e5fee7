// Conformance: mpi4py test/test_cco_obj.py (value-mode collectives), every case on COMM_SELF,
// COMM_WORLD and a dup of each.
import * as mpi from "tsmpi";
import { Suite, eq, none, standardComms, throwsCode } from "./lib/harness.ts";
import { messages as p2pMessages } from "./lib/values.ts";

/** This file's messages add 2**31 to the basic values (a value past int32). */
const messages = [...p2pMessages, 2 ** 31];
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const prod = (xs: number[]) => xs.reduce((a, b) => a * b, 1);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

const suite = new Suite();
await mpi.init();
for (const [cname, comm] of await standardComms()) {
  const size = comm.size;
  const rank = comm.rank;
  const c = (name: string, body: () => Promise<void>) => suite.case(`${name}[${cname}]`, body);

  c("Barrier", async () => {
    await comm.barrier();
  });

  c("Bcast", async () => {
    for (const m of messages) for (let root = 0; root < size; root++) eq(await comm.bcast(m, root), m, `bcast root=${root}`);
  });

  c("Gather", async () => {
    for (const m of [...messages, messages]) {
      for (let root = 0; root < size; root++) {
        const got = await comm.gather(m, root);
        if (rank === root) eq(got, range(size).map(() => m), `gather at root ${root}`);
        else none(got, `gather off root ${root}`);
      }
    }
  });

  c("Scatter", async () => {
    for (const m of [...messages, messages]) {
      for (let root = 0; root < size; root++) {
        const got = await comm.scatter(rank === root ? range(size).map(() => m) : null, root);
        eq(got, m, `scatter root=${root}`);
      }
    }
  });

  c("Allgather", async () => {
    for (const m of [...messages, messages]) eq(await comm.allgather(m), range(size).map(() => m), "allgather");
  });

  c("Alltoall", async () => {
    for (const m of [...messages, messages]) eq(await comm.alltoall(range(size).map(() => m)), range(size).map(() => m), "alltoall");
  });

  const ops: [string, mpi.Op][] = [
    ["SUM", mpi.SUM], ["PROD", mpi.PROD], ["MAX", mpi.MAX], ["MIN", mpi.MIN],
    ["MAXLOC", mpi.MAXLOC], ["MINLOC", mpi.MINLOC], ["REPLACE", mpi.REPLACE], ["NO_OP", mpi.NO_OP],
  ];
  const expected: Record<string, unknown> = {
    SUM: sum(range(size)), PROD: prod(range(size)), MAX: size - 1, MIN: 0,
    MAXLOC: [size - 1, size - 1], MINLOC: [0, 0], REPLACE: size - 1, NO_OP: 0,
  };
  const operand = (name: string) => (name.endsWith("LOC") ? [rank, rank] : rank);

  c("Reduce", async () => {
    for (let root = 0; root < size; root++) {
      for (const [name, op] of ops) {
        const got = await comm.reduce(operand(name), op, root);
        if (rank === root) eq(got, expected[name], `reduce ${name} root=${root}`);
        else none(got, `reduce ${name} off root`);
      }
    }
    for (const bad of new Set([-size, size])) await throwsCode("ERR_ROOT", `reduce root=${bad}`, () => comm.reduce(null, mpi.NO_OP, bad));
  });

  c("Allreduce", async () => {
    for (const [name, op] of ops) {
      const got = await comm.allreduce(operand(name), op);
      // mpi4py checks only the location of MAXLOC/MINLOC here (value and location are both rank)
      if (name.endsWith("LOC")) eq((got as number[])[1], (expected[name] as number[])[1], `allreduce ${name} location`);
      else eq(got, expected[name], `allreduce ${name}`);
    }
  });

  c("Scan", async () => {
    eq(await comm.scan(size, mpi.SUM), size * (rank + 1), "scan of size");
    eq(await comm.scan(rank, mpi.SUM), sum(range(rank + 1)), "scan of rank");
    eq(await comm.scan([rank, rank], mpi.MINLOC), [0, 0], "scan MINLOC");
    eq(await comm.scan([rank, rank], mpi.MAXLOC), [rank, rank], "scan MAXLOC");
    eq(await comm.scan(rank, mpi.REPLACE), rank, "scan REPLACE");
    eq(await comm.scan(rank, mpi.NO_OP), 0, "scan NO_OP");
  });

  c("Exscan", async () => {
    const results = [
      await comm.exscan(size, mpi.SUM),
      await comm.exscan(rank, mpi.SUM),
      await comm.exscan([rank, rank], mpi.MINLOC),
      await comm.exscan([rank, rank], mpi.MAXLOC),
      await comm.exscan(rank, mpi.REPLACE),
      await comm.exscan(rank, mpi.NO_OP),
    ];
    if (rank === 0) results.forEach((r, i) => none(r, `exscan ${i} on rank 0`));
    else eq(results, [size * rank, sum(range(rank)), [0, 0], [rank - 1, rank - 1], rank - 1, 0], "exscan results");
  });
}
await suite.run();
