// Test program for the polling path (tsrun with TSMPI_SPIN_US set): every rank but 0 sends `count` messages
// of mixed sizes (eager and rendezvous) and tags to rank 0, which receives them with ANY_SOURCE/ANY_TAG, with
// a named source, and into buffers; it checks MPI's non-overtaking order per (source, tag) and every byte.
// Then ranks 0 and 1 ping-pong (the blocking receive the spin serves). Rank 0 prints one JSON summary.
import * as mpi from "tsmpi";

const comm = await mpi.init();
const count = Number(process.argv[2] ?? 300);
const SIZES = [8, 1024, 70_000, 200_000];
const sizeOf = (i: number) => SIZES[i % SIZES.length] + (i % 7);
const tagOf = (i: number) => i % 3;
const fillOf = (source: number, i: number) => (source * 31 + i) & 255;

if (comm.rank !== 0) {
  for (let i = 0; i < count; i++) {
    const data = new Uint8Array(sizeOf(i)).fill(fillOf(comm.rank, i));
    data[0] = i & 255;
    await comm.send(data, 0, tagOf(i));
  }
} else {
  const nextBySourceTag = new Map<string, number>(); // the next index expected from (source, tag)
  const expectNext = (source: number, tag: number) => {
    const i = nextBySourceTag.get(`${source}:${tag}`) ?? tag;
    nextBySourceTag.set(`${source}:${tag}`, i + 3);
    return i;
  };
  const failures: string[] = [];
  const check = (source: number, tag: number, data: Uint8Array) => {
    const i = expectNext(source, tag);
    if (data.length !== sizeOf(i)) return failures.push(`from ${source} tag ${tag}: ${data.length} bytes, expected message ${i} (${sizeOf(i)} bytes)`);
    if (data[0] !== (i & 255)) return failures.push(`from ${source} tag ${tag}: message ${data[0]} overtook message ${i}`);
    for (let k = 1; k < data.length; k++) if (data[k] !== fillOf(source, i)) return failures.push(`from ${source} message ${i}: byte ${k} differs`);
  };
  // Large messages received as values are kept and checked again at the end: their buffers must never be
  // lent again by the receive pool, however many receives into a buffer happen meanwhile.
  const kept: { source: number; tag: number; data: Uint8Array; fill: number }[] = [];
  let received = 0;
  const total = count * (comm.size - 1);
  const scratch = new Uint8Array(SIZES[SIZES.length - 1] + 7);
  while (received < total) {
    const status = new mpi.Status();
    if (received % 3 === 0) {
      const data = (await comm.recv(mpi.ANY_SOURCE, mpi.ANY_TAG, status)) as Uint8Array;
      check(status.source, status.tag, data);
      if (data.length >= 65536) kept.push({ source: status.source, tag: status.tag, data, fill: data[1] });
    } else if (received % 3 === 1) {
      await comm.recvInto(mpi.buf(scratch, mpi.UINT8), mpi.ANY_SOURCE, mpi.ANY_TAG, status);
      check(status.source, status.tag, scratch.subarray(0, status.count));
    } else {
      // a named source: the lowest rank not yet finished, any tag
      const source = [...Array(comm.size).keys()].find((r) => r > 0 && [0, 1, 2].some((t) => (nextBySourceTag.get(`${r}:${t}`) ?? t) < count))!;
      const data = (await comm.recv(source, mpi.ANY_TAG, status)) as Uint8Array;
      check(source, status.tag, data);
    }
    received++;
  }
  for (const k of kept) if (k.data.some((b, i) => i > 0 && b !== k.fill)) failures.push(`a ${k.data.length}-byte message from ${k.source} received as a value changed later`);
  let pingPongs = 0;
  if (comm.size > 1) {
    for (let i = 0; i < 2000; i++) {
      await comm.send(i, 1, 9);
      if ((await comm.recv(1, 9)) !== i + 1) failures.push(`ping-pong ${i}: wrong reply`);
      pingPongs++;
    }
  }
  console.log(JSON.stringify({ received, total, kept: kept.length, failures: failures.slice(0, 5), failureCount: failures.length, pingPongs }));
}
if (comm.rank === 1) for (let i = 0; i < 2000; i++) await comm.send(((await comm.recv(0, 9)) as number) + 1, 0, 9);
await mpi.finalize();
