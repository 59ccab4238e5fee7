// For test programs: every rank has reached this point before any goes on (a barrier made of
// point-to-point messages only, so tests of failures do not depend on the collectives).
import * as mpi from "tsmpi";

export async function handshake(comm: mpi.Comm): Promise<void> {
  if (comm.rank === 0) {
    for (let r = 1; r < comm.size; r++) await comm.recv(mpi.ANY_SOURCE, 99);
    for (let r = 1; r < comm.size; r++) await comm.send("go", r, 98);
  } else {
    await comm.send("ready", 0, 99);
    await comm.recv(0, 98);
  }
}
