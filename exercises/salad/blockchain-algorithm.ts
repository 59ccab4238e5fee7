// Salad exercise S5's algorithm (seed 000, "Partie 3 : un blockchain simplifié"), without options or I/O
// (blockchain.ts is the program): a Block holds data, previousHash, timestamp, nonce and hash = sha256 of
// the other fields; mine(difficulty) raises the nonce until the hash starts with `difficulty` zeros; a
// Chain links blocks by previousHash and verify() finds any block whose content, proof of work or link was
// altered; tamper() alters a block as an attacker would (plain, rehash or remine: see blockchain.ts).
import { createHash } from "node:crypto";

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
      if (block.hash !== block.calculateHash())
        return { valid: false, index, reason: "hash does not match the block's content" };
      if (!block.hash.startsWith(target))
        return { valid: false, index, reason: `hash lacks ${this.difficulty} leading zeros (not mined)` };
      const expectedPrevious = index === 0 ? "0" : this.blocks[index - 1].hash;
      if (block.previousHash !== expectedPrevious) {
        return {
          valid: false,
          index,
          reason:
            index === 0 ? "genesis block's previousHash is not 0" : `previousHash is not block ${index - 1}'s hash`,
        };
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

export function blockLine(index: number, block: Block, attempts: number): string {
  return `BLOCK ${index} hash=${block.hash} previousHash=${block.previousHash} nonce=${block.nonce} attempts=${attempts} data=${block.data}`;
}

export function verdictLine(verdict: Verdict, blocks: number): string {
  return verdict.valid ? `CHAIN VALID ${blocks} blocks` : `CHAIN INVALID at block ${verdict.index}: ${verdict.reason}`;
}
