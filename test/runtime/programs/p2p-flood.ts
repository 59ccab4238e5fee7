// Test program: many small messages between ranks 0 and 1 arrive complete and in order, and a sender far
// ahead of its receiver is slowed by flow control instead of filling the receiver's memory.
import * as mpi from "tsmpi";

const comm = await mpi.init();
/**
 * What this rank holds: its JavaScript heap and the buffers it owns (per rank even when ranks are threads of
 * one process, whose rss the other ranks' allocations would grow).
 */
const held = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};
const count = Number(process.argv[2] ?? 1_000_000);
const flood = Number(process.argv[3] ?? 100_000);
if (comm.rank === 0) {
  for (let i = 0; i < count; i++) await comm.send(i, 1, 0);
  const chunk = new Uint8Array(1024);
  for (let i = 0; i < flood; i++) await comm.send(chunk, 1, 1);
  const big = new Uint8Array(64 * 1024 * 1024);
  await comm.send(big, 1, 2);
} else if (comm.rank === 1) {
  let inOrder = true;
  for (let i = 0; i < count; i++) if ((await comm.recv(0, 0)) !== i) inOrder = false;
  const before = held();
  // Let the sender run ahead: it must be held back by credits, not fill this rank's memory.
  await new Promise((r) => setTimeout(r, 1500));
  const grownWhileIdle = held() - before;
  for (let i = 0; i < flood; i++) await comm.recv(0, 1);
  const beforeBig = held();
  await new Promise((r) => setTimeout(r, 1000));
  const grownBeforeBigRecv = held() - beforeBig;
  const big = (await comm.recv(0, 2)) as Uint8Array;
  console.log(JSON.stringify({ received: count, inOrder, grownWhileIdle, grownBeforeBigRecv, big: big.length }));
}
await mpi.finalize();
