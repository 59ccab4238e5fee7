// Test program for the mismatched-collectives report's call sites: each mode (argv[2]) is a student's
// mismatch, and the report must name each rank's call and the line that made it.
//   completed  rank 0 bcasts from root 0 while rank 1 reduces to root 0: both calls complete, both ranks
//              reach finalize, and the report is made there
//   stuck      rank 0 waits in bcast from root 1 while rank 1 waits in allreduce: neither call completes
//   repeated   both ranks bcast in a loop; at the third turn rank 1 calls allreduce instead
import * as mpi from "tsmpi";

const comm = await mpi.init();
const { rank } = comm;
const mode = process.argv[2];

switch (mode) {
  case "completed":
    if (rank === 0) await comm.bcast("hello", 0);
    else await comm.reduce(rank, mpi.SUM, 0);
    break;
  case "stuck":
    if (rank === 0) await comm.bcast("hello", 1);
    else await comm.allreduce(rank, mpi.SUM);
    break;
  case "repeated":
    for (let turn = 0; turn < 3; turn++) {
      if (rank === 1 && turn === 2) await comm.allreduce(turn, mpi.SUM);
      else await comm.bcast(turn, 0);
    }
    break;
  default:
    throw new Error(`unknown mode ${mode}`);
}
await mpi.finalize();
