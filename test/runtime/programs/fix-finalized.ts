// Use after finalize and forgotten awaits (argument = mode):
//   after    calls after mpi.finalize(): each is an error "MPI is finalized" naming the call
//   promise  a Promise passed as the value to send: ERR_ARG "did you forget await?"
//   pending  rank 1 starts a recv and an irecv it never awaits, then finalizes: finalize names both
//   exit13   rank 1 keeps a recv's Promise, finalizes, then awaits it at top level (never settles)
import * as mpi from "tsmpi";

const comm = await mpi.init();
const { rank } = comm;
const mode = process.argv[2];
const failure = async (f: () => unknown) => {
  try {
    await f();
    return "no error";
  } catch (err) {
    return `${(err as mpi.MpiError).code}: ${(err as Error).message}`;
  }
};
if (mode === "after") {
  await mpi.finalize();
  const out = {
    rank,
    send: await failure(() => comm.send(1, (rank + 1) % comm.size, 0)),
    recv: await failure(() => comm.recv(0, 0)),
    isend: await failure(() => comm.isend(1, 0, 0)),
    barrier: await failure(() => comm.barrier()),
    allreduce: await failure(() => comm.allreduce(1)),
  };
  console.log(JSON.stringify(out));
} else if (mode === "promise") {
  if (rank === 0) console.log(JSON.stringify({ rank, send: await failure(() => comm.send(comm.irecv(1, 0).wait(), 1, 0)) }));
  await mpi.finalize();
} else if (mode === "pending") {
  if (rank === 1) {
    void comm.recv(0, 1);
    comm.irecv(0, 2);
  }
  await mpi.finalize();
} else if (mode === "exit13") {
  const later = rank === 1 ? comm.recv(0, 3) : null;
  await mpi.finalize();
  if (later) await later;
}
