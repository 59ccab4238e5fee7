// Salad exercise S5 (seed 000, "Partie 3 : un blockchain simplifié"): a proof-of-work blockchain kept by
// the master. A Block holds data, previousHash, timestamp, nonce and hash = sha256 of the other fields;
// mine(difficulty) raises the nonce until the hash starts with `difficulty` zeros; a Chain links blocks by
// previousHash and verify() finds any block whose content, proof of work or link was altered.
// This file is the program: it prepares the salad with a small pool of cooks and mines one block per
// finished fruit; the blocks and the chain are in blockchain-algorithm.ts (the part to write).
//
//   npx tsx exercises/salad/blockchain.ts [--difficulty 3] [--workers 3] [--time-scale X]
//                                         [--tamper BLOCK:FIELD[:MODE],…]
//
// --tamper alters a copy of the finished chain and verifies it again, once per spec: BLOCK is an index or
// "last"; FIELD is data, nonce, hash or previousHash; MODE is plain (change the field only), rehash (also
// recompute the hash, without proof of work) or remine (also mine again: a valid block on its own; data and
// previousHash only). A hash is only altered plainly.
// Output: `PREPARED <id> <fruit> by <cook>`, `BLOCK <i> hash=… previousHash=… nonce=… attempts=… data=<json>`,
// `CHAIN VALID <n> blocks` or `CHAIN INVALID at block <i>: <why>`, `TAMPER <i> <field> <mode> -> …`, `TOTAL`.
import { parseArgs } from "node:util";
import { prepare, preparedLine, saladTasks, timeScale, totalLine, type Task } from "./fruits.ts";
import {
  blockLine,
  Chain,
  tamper,
  verdictLine,
  type TamperField,
  type TamperMode,
  type TamperSpec,
} from "./blockchain-algorithm.ts";

/** The master: `workers` cooks take fruits from the queue; each finished fruit is mined into a block. */
async function prepareAndMine(
  tasks: Task[],
  workers: number,
  scale: number,
  chain: Chain,
  log: (line: string) => void,
): Promise<void> {
  const queue = [...tasks];
  const cook = async (name: string) => {
    for (let task = queue.shift(); task; task = queue.shift()) {
      const result = await prepare(task, scale);
      log(preparedLine(task, name));
      const { block, attempts } = chain.add(JSON.stringify({ task: task.id, fruit: task.fruit, by: name, result }));
      log(blockLine(chain.blocks.length - 1, block, attempts));
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, k) => cook(`cook-${k + 1}`)));
}

/** --tamper's list: BLOCK:FIELD[:MODE],… */
function parseTamper(list: string): TamperSpec[] {
  return list
    .split(",")
    .filter(Boolean)
    .map((spec) => {
      const [block, field, mode = "plain"] = spec.split(":");
      const index = block === "last" ? "last" : Number(block);
      const ok =
        (index === "last" || (Number.isInteger(index) && index >= 0)) &&
        ["data", "nonce", "hash", "previousHash"].includes(field) &&
        ["plain", "rehash", "remine"].includes(mode) &&
        !(field === "hash" && mode !== "plain") &&
        !(field === "nonce" && mode === "remine");
      if (!ok)
        throw new Error(
          `--tamper takes BLOCK:FIELD[:MODE] (FIELD data|nonce|hash|previousHash, MODE plain|rehash|remine; hash: plain only; nonce: no remine), got "${spec}"`,
        );
      return { block: index, field: field as TamperField, mode: mode as TamperMode };
    });
}

/** The program: prepares the salad, mines a block per fruit, verifies, then verifies tampered copies. */
async function runBlockchain(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      difficulty: { type: "string", default: "3" },
      workers: { type: "string", default: "3" },
      "time-scale": { type: "string" },
      tamper: { type: "string", default: "" },
    },
    strict: true,
  });
  const difficulty = Number(values.difficulty);
  if (!Number.isInteger(difficulty) || difficulty < 0 || difficulty > 8)
    throw new Error(`--difficulty must be an integer 0..8, got "${values.difficulty}"`);
  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1)
    throw new Error(`--workers must be a positive integer, got "${values.workers}"`);
  const scale = timeScale(values["time-scale"]);
  const tampers = parseTamper(values.tamper!);
  const log = (line: string) => console.log(line);

  const chain = new Chain(difficulty);
  log(blockLine(0, chain.blocks[0], chain.blocks[0].nonce + 1));
  const started = performance.now();
  await prepareAndMine(saladTasks(), workers, scale, chain, log);
  const ms = performance.now() - started;
  log("\nLa salade est prête ! Bonne dégustation !");
  log(totalLine(ms, scale));
  log(verdictLine(chain.verify(), chain.blocks.length));
  for (const spec of tampers) {
    const forged = chain.copy();
    const index = tamper(forged, spec);
    log(`TAMPER ${index} ${spec.field} ${spec.mode} -> ${verdictLine(forged.verify(), forged.blocks.length)}`);
  }
}

runBlockchain(process.argv.slice(2)).catch((err: Error) => {
  console.error(`blockchain: ${err.message.replace(/\s*\n\s*/g, " ")}`);
  process.exit(1);
});
