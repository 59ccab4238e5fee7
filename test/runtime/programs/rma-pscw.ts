// Test program (issue 6, MPI-4 §12.5.2): post/start/complete/wait/test. (1) A ring: every round each
// rank exposes its window to its left neighbour and accesses its right one (put and get), closing the
// exposure with wait() or, on odd rounds, by polling test(); groups are rank lists or mpi.Group objects.
// (2) A token passed round the ring twice with epochs between two ranks only (groups of one rank, the
// rest idle). Prints one JSON line per rank.
import * as mpi from "tsmpi";

const comm = await mpi.init();
const { rank, size } = comm;
const left = (rank - 1 + size) % size;
const right = (rank + 1) % size;
const ROUNDS = 4;

const mem = new Int32Array(3);
const win = await mpi.Win.create(mem, comm);
const received: number[] = [];
const seen: number[] = [];
let polls = 0;
for (let k = 0; k < ROUNDS; k++) {
  mem[1] = rank * 1000 + k; // what the left neighbour reads this round
  // groups as rank lists, and as mpi.Group objects (round 2, and win.group in round 3)
  await win.post(k === 2 ? comm.group.incl([left]) : k === 3 ? win.group.incl([left]) : [left]);
  await win.start(k === 2 ? comm.group.incl([right]) : [right]);
  win.put(new Int32Array([rank * 10 + k]), right, 0);
  const peek = new Int32Array(1);
  win.get(peek, right, 1);
  await win.complete();
  seen.push(peek[0]);
  if (k % 2 === 0) await win.wait();
  else while (!win.test()) { polls++; await new Promise(setImmediate); }
  received.push(mem[0]);
}

// the token: holder puts token + its rank into its right neighbour's slot 2
let token = rank === 0 ? 0 : -1;
const holders: number[] = [];
for (let step = 0; step < 2 * size; step++) {
  const holder = step % size;
  const next = (holder + 1) % size;
  if (rank === next) await win.post([holder]);
  if (rank === holder) {
    await win.start([next]);
    win.put(new Int32Array([token + rank]), next, 2);
    await win.complete();
    holders.push(step);
  }
  if (rank === next) {
    await win.wait();
    token = mem[2];
  }
}
await win.free();
console.log(JSON.stringify({ rank, size, received, seen, token, holders, polled: polls >= 0 }));
await mpi.finalize();
