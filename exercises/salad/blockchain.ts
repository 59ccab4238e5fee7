// Salad exercise S5 (seed 000, "Partie 3 : un blockchain simplifié"): a proof-of-work blockchain kept by
// the master. A Block holds data, previousHash, timestamp, nonce and hash = sha256 of the other fields;
// mine(difficulty) raises the nonce until the hash starts with `difficulty` zeros; a Chain links blocks by
// previousHash and verify() finds any block whose content, proof of work or link was altered.
// The program prepares the salad with a small pool of cooks and mines one block per finished fruit.
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
import { createHash } from "node:crypto";
import { parseArgs } from "node:util";
import { isMainModule, prepare, preparedLine, saladTasks, timeScale, totalLine, type Task } from "./fruits.ts";

export function sha256(input: string): string {
  return createHash("sha256").update(input).digest("hex");
}

export class Block {
  nonce = 0;
  hash: string;
  constructor(
    public data: string,
    public previousHash: string,
    public timestamp: number = Date.now(),
  ) {
    this.hash = this.calculateHash();
  }

  /** sha256 of every field but the hash; JSON keeps the fields apart ("ab"+"c" ≠ "a"+"bc"). */
  calculateHash(): string {
    return sha256(JSON.stringify([this.previousHash, this.timestamp, this.data, this.nonce]));
  }

  /** Proof of work: tries nonces 0, 1, 2… until the hash starts with `difficulty` zeros. Returns the attempts. */
  mine(difficulty: number): number {
    // SOLUTION BEGIN: try nonces 0, 1, 2… until the hash starts with `difficulty` zeros; return the attempts
    const target = "0".repeat(difficulty);
    let attempts = 0;
    this.nonce = 0;
    for (;;) {
      this.hash = this.calculateHash();
      attempts++;
      if (this.hash.startsWith(target)) return attempts;
      this.nonce++;
    }
    // STARTER: return difficulty;
    // SOLUTION END
  }

  copy(): Block {
    return Object.assign(Object.create(Block.prototype) as Block, this);
  }
}

export type Verdict = { valid: true } | { valid: false; index: number; reason: string };

export class Chain {
  readonly blocks: Block[] = [];
  constructor(readonly difficulty: number) {
    const genesis = new Block("genesis", "0");
    genesis.mine(difficulty);
    this.blocks.push(genesis);
  }

  /** Mines a new block holding `data` on top of the chain; returns it and the attempts it took. */
  add(data: string): { block: Block; attempts: number } {
    const block = new Block(data, this.blocks[this.blocks.length - 1].hash);
    const attempts = block.mine(this.difficulty);
    this.blocks.push(block);
    return { block, attempts };
  }

  /** Checks every block: hash matches content, proof of work done, link to the previous block intact. */
  verify(): Verdict {
    const target = "0".repeat(this.difficulty);
    for (const [index, block] of this.blocks.entries()) {
      if (block.hash !== block.calculateHash()) return { valid: false, index, reason: "hash does not match the block's content" };
      if (!block.hash.startsWith(target)) return { valid: false, index, reason: `hash lacks ${this.difficulty} leading zeros (not mined)` };
      const expectedPrevious = index === 0 ? "0" : this.blocks[index - 1].hash;
      if (block.previousHash !== expectedPrevious) {
        return { valid: false, index, reason: index === 0 ? "genesis block's previousHash is not 0" : `previousHash is not block ${index - 1}'s hash` };
      }
    }
    return { valid: true };
  }

  copy(): Chain {
    const twin = Object.create(Object.getPrototypeOf(this) as object) as Chain;
    Object.assign(twin, { difficulty: this.difficulty, blocks: this.blocks.map((b) => b.copy()) });
    return twin;
  }
}

export type TamperField = "data" | "nonce" | "hash" | "previousHash";
export type TamperMode = "plain" | "rehash" | "remine";
export interface TamperSpec {
  block: number | "last";
  field: TamperField;
  mode: TamperMode;
}

export function parseTamper(list: string): TamperSpec[] {
  return list.split(",").filter(Boolean).map((spec) => {
    const [block, field, mode = "plain"] = spec.split(":");
    const index = block === "last" ? "last" : Number(block);
    const ok =
      (index === "last" || (Number.isInteger(index) && index >= 0)) &&
      ["data", "nonce", "hash", "previousHash"].includes(field) &&
      ["plain", "rehash", "remine"].includes(mode) &&
      !(field === "hash" && mode !== "plain") &&
      !(field === "nonce" && mode === "remine");
    if (!ok) throw new Error(`--tamper takes BLOCK:FIELD[:MODE] (FIELD data|nonce|hash|previousHash, MODE plain|rehash|remine; hash: plain only; nonce: no remine), got "${spec}"`);
    return { block: index, field: field as TamperField, mode: mode as TamperMode };
  });
}

/** Alters one block of the chain as an attacker would; returns the index altered. */
export function tamper(chain: Chain, spec: TamperSpec): number {
  const index = spec.block === "last" ? chain.blocks.length - 1 : spec.block;
  const block = chain.blocks[index];
  if (!block) throw new Error(`--tamper: there is no block ${index} (the chain has ${chain.blocks.length})`);
  const flip = (hex: string) => hex.slice(0, -1) + (hex.endsWith("0") ? "1" : "0");
  const change = (attempt: number) => {
    if (spec.field === "data") block.data += attempt === 1 ? " (falsifié)" : "!";
    else if (spec.field === "nonce") block.nonce += 1;
    else if (spec.field === "hash") block.hash = flip(block.hash);
    else block.previousHash = flip(block.previousHash);
  };
  change(1);
  if (spec.mode === "remine") {
    block.mine(chain.difficulty);
  } else if (spec.mode === "rehash") {
    // a hash that happens to meet the difficulty would be a valid block: change again until it does not
    for (let attempt = 2; ; attempt++) {
      block.hash = block.calculateHash();
      if (!block.hash.startsWith("0".repeat(chain.difficulty))) break;
      change(attempt);
    }
  }
  return index;
}

/** The master: `workers` cooks take fruits from the queue; each finished fruit is mined into a block. */
export async function prepareAndMine(
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

export function blockLine(index: number, block: Block, attempts: number): string {
  return `BLOCK ${index} hash=${block.hash} previousHash=${block.previousHash} nonce=${block.nonce} attempts=${attempts} data=${block.data}`;
}

export function verdictLine(verdict: Verdict, blocks: number): string {
  return verdict.valid ? `CHAIN VALID ${blocks} blocks` : `CHAIN INVALID at block ${verdict.index}: ${verdict.reason}`;
}

/** The program: prepares the salad, mines a block per fruit, verifies, then verifies tampered copies. */
export async function runBlockchain(argv: string[], makeChain: (difficulty: number) => Chain = (d) => new Chain(d)): Promise<void> {
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
  if (!Number.isInteger(difficulty) || difficulty < 0 || difficulty > 8) throw new Error(`--difficulty must be an integer 0..8, got "${values.difficulty}"`);
  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`--workers must be a positive integer, got "${values.workers}"`);
  const scale = timeScale(values["time-scale"]);
  const tampers = parseTamper(values.tamper!);
  const log = (line: string) => console.log(line);

  const chain = makeChain(difficulty);
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

if (isMainModule(import.meta.url)) {
  runBlockchain(process.argv.slice(2)).catch((err: Error) => {
    console.error(`blockchain: ${err.message.replace(/\s*\n\s*/g, " ")}`);
    process.exit(1);
  });
}
