// Test program: the compiled addons (.node files) a rank has loaded once value-mode messages (msgpack, with
// long strings: what msgpackr's optional native extractor would decode) went round. Prints one JSON line per rank.
import * as mpi from "tsmpi";
import { createRequire } from "node:module";

const comm = await mpi.init();
const right = (comm.rank + 1) % comm.size;
const left = (comm.rank - 1 + comm.size) % comm.size;
const got = (await comm.sendrecv({ text: "é".repeat(500), list: [1, 2, 3] }, right, 0, left, 0)) as { text: string };
const loaded = Object.keys(createRequire(import.meta.url).cache);
const addons = loaded.filter((file) => file.endsWith(".node") || file.includes("msgpackr-extract"));
console.log(JSON.stringify({ rank: comm.rank, addons, intact: got.text === "é".repeat(500) }));
await mpi.finalize();
