// Test program: rank 0 (a rank of the job, so past authentication) writes a corrupt frame to rank 1,
// as a bug or a corrupted stream would; the job must stop with one ERR_PROTOCOL message, not hang or crash deep.
import * as mpi from "tsmpi";
import { worldOf } from "../../../runtime/internal.ts";

const comm = await mpi.init();
if (comm.rank === 0) {
  await comm.recv(1, 1); // rank 1 posted its receive in the same turn as it said so: it is in recv from now on
  const garbage = Buffer.alloc(40, 0xee);
  garbage.writeUInt32LE(36, 0);
  (worldOf(comm) as unknown as { transport: { send(d: number, p: Buffer[]): void } }).transport.send(1, [garbage]);
} else {
  void comm.isend("in recv", 0, 1);
}
await comm.recv(mpi.ANY_SOURCE, 5);
