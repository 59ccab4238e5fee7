// Conformance: waitany/testany/waitsome/testsome retire the completed request (its slot becomes null, as
// mpi4py's REQUEST_NULL), so "loop n times over waitany" sees every request once; all-null → UNDEFINED.
import * as mpi from "tsmpi";

const comm = await mpi.init();
const out: Record<string, unknown> = { rank: comm.rank };
if (comm.rank === 0) {
  const reqs: (mpi.Request | null)[] = [comm.irecv(1, 0), comm.irecv(1, 1), comm.irecv(1, 2)];
  await comm.send("go", 1, 9);
  const seen: [number, unknown][] = [];
  for (let i = 0; i < 3; i++) seen.push(await mpi.waitany(reqs));
  out.waitany = seen.sort((a, b) => a[0] - b[0]);
  out.slots = reqs;
  out.allNull = await mpi.waitany(reqs);
  out.allNullIsUndefined = out.allNull instanceof Array && out.allNull[0] === mpi.UNDEFINED && out.allNull[1] === undefined;
  const t = mpi.testany(reqs);
  out.testanyAllNull = [t.done, t.index === mpi.UNDEFINED];

  const more: (mpi.Request | null)[] = [comm.irecv(1, 3), comm.irecv(1, 4)];
  await comm.send("go", 1, 10);
  const got: number[] = [];
  while (got.length < 2) {
    const r = mpi.testany(more);
    if (r.done && r.index !== mpi.UNDEFINED) got.push(r.value as number);
    else await mpi.waitany([...more]); // wait without retiring, then test again
  }
  out.testany = got.sort();
  out.testanyAfter = [mpi.testany(more).done, mpi.testany(more).index === mpi.UNDEFINED];

  const some: (mpi.Request | null)[] = [comm.irecv(1, 5), comm.irecv(1, 6), comm.irecv(1, 7)];
  await comm.send("go", 1, 11);
  const values: unknown[] = [];
  for (let round = 0; round < 5 && values.length < 3; round++) values.push(...((await mpi.waitsome(some)).values ?? []));
  out.waitsome = values.sort();
  out.waitsomeAfter = (await mpi.waitsome(some)).indices;
  out.testsomeAfter = mpi.testsome(some).indices;
  out.someSlots = some;

  const persistent = comm.recvInit(1, 8);
  const plist = [persistent];
  persistent.start();
  await comm.send("go", 1, 12);
  out.persistent = await mpi.waitany(plist);
  out.persistentInactive = [(await mpi.waitany(plist))[0] === mpi.UNDEFINED, plist[0] === persistent];
} else if (comm.rank === 1) {
  await comm.recv(0, 9);
  for (let tag = 0; tag < 3; tag++) await comm.send(`m${tag}`, 0, tag);
  await comm.recv(0, 10);
  for (let tag = 3; tag < 5; tag++) await comm.send(tag, 0, tag);
  await comm.recv(0, 11);
  for (let tag = 5; tag < 8; tag++) await comm.send(tag, 0, tag);
  await comm.recv(0, 12);
  await comm.send("p", 0, 8);
}
console.log(JSON.stringify(out));
await mpi.finalize();
