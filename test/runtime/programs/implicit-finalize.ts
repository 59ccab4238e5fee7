// Test program: no finalize() call. Rank 0 sends to rank 1 and ends at once; the program must still
// deliver the message and end cleanly (implicit finalize at exit, as mpi4py does).
import * as mpi from "tsmpi";

const comm = await mpi.init();
if (comm.rank === 0) await comm.send(new Float64Array(50_000).fill(1.5), 1, 0); // rendezvous-sized
if (comm.rank === 1) {
  const got = (await comm.recv(0, 0)) as Float64Array;
  console.log(`rank 1 got ${got.length} values summing to ${got.reduce((a, b) => a + b, 0)}`);
}
