// Test program: value-mode round trips. Rank 0 sends every value kind to each other rank, which echoes it;
// rank 0 checks that what came back is identical (types, -0, NaN, undefined vs null, Map, Set, BigInt…).
import * as mpi from "tsmpi";
import { isDeepStrictEqual } from "node:util";

const comm = await mpi.init();
const nested = { a: new Float32Array([1.5, -2]), b: [new Int16Array([7]), new BigInt64Array([-5n])] };
const values: [string, unknown][] = [
  ["number", 42], ["negative zero", -0], ["NaN", NaN], ["Infinity", -Infinity], ["string", "héllo ✓"],
  ["undefined", undefined], ["null", null], ["array with holes of undefined", [undefined, null, 1]],
  ["object with undefined field", { x: undefined, y: null }], ["nested -0", { z: [-0, 0] }],
  ["Map", new Map<unknown, unknown>([[1, "a"], ["k", { deep: new Set([1, 2]) }]])], ["Set", new Set(["x", 3])],
  ["Date", new Date(1700000000000)], ["BigInt", 2n ** 70n], ["Buffer", Buffer.from("raw bytes")],
  ["Uint8Array", new Uint8Array([1, 2, 255])], ["Float64Array", new Float64Array([Math.PI, -0, NaN])],
  ["Int32Array view with offset", new Int32Array(new Int32Array([9, 8, 7, 6]).buffer, 4, 2)],
  ["BigUint64Array", new BigUint64Array([2n ** 63n])], ["nested typed arrays", nested],
  ["large array", Array.from({ length: 20000 }, (_, i) => ({ i, s: `v${i}` }))],
  ["large Float64Array (rendezvous)", new Float64Array(300_000).map((_, i) => i * 0.5)],
];
const failures: string[] = [];
if (comm.rank === 0) {
  for (let peer = 1; peer < comm.size; peer++) {
    for (const [name, v] of values) {
      await comm.send(v, peer, 1);
      const back = await comm.recv(peer, 2);
      const same = isDeepStrictEqual(back, v) && (v === null || typeof v !== "object" || Object.getPrototypeOf(back) === Object.getPrototypeOf(v));
      const negZeroKept = name !== "negative zero" || Object.is(back, -0);
      if (!same || !negZeroKept) failures.push(`${name} via rank ${peer}`);
    }
  }
  let refused = "";
  try {
    await comm.send({ ok: 1, callback: () => 1 }, 1, 3);
  } catch (err) {
    refused = `${(err as mpi.MpiError).code}: ${(err as Error).message}`;
  }
  console.log(JSON.stringify({ failures, count: values.length * (comm.size - 1), refused }));
} else {
  for (let i = 0; i < values.length; i++) await comm.send(await comm.recv(0, 1), 0, 2);
}
await mpi.finalize();
