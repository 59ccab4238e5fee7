// MPI_Barrier (MPI-4 §6.3): no rank leaves before every rank has entered. Dissemination algorithm
// (Hensgen, Finkel and Manber): in round k each rank signals rank + 2^k and waits for rank − 2^k, so
// after ⌈log2 p⌉ rounds every rank has heard, directly or not, from every other.
import { CollCall, EMPTY } from "./call.ts";
import { disseminationRounds } from "./trees.ts";

export async function barrierDissemination(c: CollCall): Promise<void> {
  for (const { to, from } of disseminationRounds(c.rank, c.size)) await c.sendrecv(EMPTY, to, from);
}
