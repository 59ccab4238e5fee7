// The waitsome/testsome cases of mpi4py's test_p2p_obj.py (WaitSomeRecv, TestSomeRecv, WaitSomeSend,
// TestSomeSend): requests completed in rounds, each round's indices returned once and their slots nulled.
import * as mpi from "tsmpi";
import { check, eq } from "./harness.ts";
import type { Req } from "./values.ts";

export function registerSomeCases(c: (name: string, body: () => Promise<void>) => void, comm: mpi.Intracomm): void {
  for (const kind of ["WaitSomeRecv", "TestSomeRecv"] as const) {
    c(kind, async () => {
      const dup = await comm.dup();
      const me = dup.rank;
      const reqs: Req[] = Array.from({ length: 6 }, (_, i) => dup.irecv(me, i));
      const waiting = kind === "WaitSomeRecv";
      if (!waiting) eq(mpi.testsome(reqs), { indices: [], values: [] }, "testsome before any send");
      const rounds = waiting ? [[5], [3, 1, 2], [0, 4]] : [[5], [], [3, 1, 2], [], [0, 4]];
      for (const round of rounds) {
        for (const i of round) await dup.ssend("abc", me, i);
        const got = waiting ? await mpi.waitsome(reqs) : mpi.testsome(reqs);
        eq([...(got.indices ?? [])].sort(), [...round].sort(), "completed indices");
        eq(got.values, round.map(() => "abc"), "values");
        check((got.indices ?? []).every((i) => reqs[i] === null), "completed requests set to REQUEST_NULL");
      }
      check(reqs.every((r) => r === null), "every request null at the end");
      const last = waiting ? await mpi.waitsome(reqs) : mpi.testsome(reqs);
      eq(last.indices, undefined, "every slot null: nothing to wait for (MPI_UNDEFINED, mpi4py's None)");
      await dup.free();
    });
  }

  for (const kind of ["WaitSomeSend", "TestSomeSend"] as const) {
    c(kind, async () => {
      const dup = await comm.dup();
      const me = dup.rank;
      const reqs: Req[] = Array.from({ length: 6 }, (_, i) => dup.issend("abc", me, i));
      const waiting = kind === "WaitSomeSend";
      if (!waiting) eq(mpi.testsome(reqs), { indices: [], values: [] }, "testsome before any receive");
      const rounds = waiting ? [[5], [3, 1, 2], [0, 4]] : [[5], [], [3, 1, 2], [], [0, 4]];
      for (const round of rounds) {
        for (const i of round) eq(await dup.recv(me, i), "abc", "received");
        const indices: number[] = [];
        const values: unknown[] = [];
        while ([...indices].sort().join() !== [...round].sort().join()) {
          const got = waiting ? await mpi.waitsome(reqs) : mpi.testsome(reqs);
          indices.push(...(got.indices ?? []));
          values.push(...(got.values ?? []));
          if (!waiting) await new Promise((r) => setImmediate(r));
        }
        eq(values, round.map(() => undefined), "send values");
        check(indices.every((i) => reqs[i] === null), "completed requests set to REQUEST_NULL");
      }
      check(reqs.every((r) => r === null), "every request null at the end");
      await dup.free();
    });
  }
}
