// Test program for errors that must name the user's line (argv[2] picks the mistake):
//   truncate   rank 1 receives 10 int32 into a buffer of 2 (ERR_TRUNCATE, raised when the message lands)
//   arg        a cartesian grid with a zero dimension (ERR_ARG, raised inside an async collective)
//   recv-self  the only rank receives from itself a message it never sent (a deadlock at np = 1)
//   hang       rank 0 waits for a message while a timer keeps it busy (stopped by --timeout)
import * as mpi from "tsmpi";

const comm = await mpi.init();
const { rank } = comm;

switch (process.argv[2]) {
  case "truncate":
    if (rank === 0) await comm.send(new Int32Array(10), 1, 0);
    else await comm.recvInto(mpi.buf(new Int32Array(2)), 0, 0);
    break;
  case "arg":
    await comm.createCart([0, comm.size], [false, false]);
    break;
  case "recv-self":
    await comm.recv(0, 0);
    break;
  case "hang":
    if (rank === 0) {
      const busy = setInterval(() => {}, 1000);
      await comm.recv(1, 0);
      clearInterval(busy);
    }
    break;
  default:
    throw new Error(`unknown mode ${process.argv[2]}`);
}
await mpi.finalize();
