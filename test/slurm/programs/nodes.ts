// Test program for the Slurm tests: where each rank runs (Slurm node name and id, from the task's
// environment) and that ranks on different nodes exchange data: an allgather of the placements, a ring
// of sendrecv with a small value and a large Float64Array (rendezvous over TCP between nodes), a reduce.
// Rank 0 prints one JSON line: {size, placements: [[rank, node, nodeId]…], ringOk, sum}.
import * as mpi from "tsmpi";

const comm = await mpi.init();
const { rank, size } = comm;
const placements = await comm.allgather([rank, process.env.SLURMD_NODENAME ?? "?", Number(process.env.SLURM_NODEID ?? -1)]);
const right = (rank + 1) % size;
const left = (rank - 1 + size) % size;
const small = await comm.sendrecv(`from ${rank}`, right, 1, left, 1);
const big = (await comm.sendrecv(new Float64Array(200_000).fill(rank), right, 2, left, 2)) as Float64Array;
const ringOk = small === `from ${left}` && big.length === 200_000 && big.every((x) => x === left);
const allOk = await comm.allreduce(ringOk ? 1 : 0, mpi.MIN);
const sum = await comm.reduce(rank, mpi.SUM, 0);
if (rank === 0) console.log(JSON.stringify({ size, placements, ringOk: allOk === 1, sum }));
await mpi.finalize();
