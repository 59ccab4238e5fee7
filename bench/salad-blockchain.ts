// Benchmark for salad exercise S5: how mining time grows with the proof-of-work difficulty. For each
// difficulty it mines a few blocks per run, several runs, and prints one JSON line per difficulty with the
// median time and attempts per block. Each extra leading zero multiplies the expected attempts by 16; the
// hash rate of the same run is the baseline the times should be read against.
//
//   npx tsx bench/salad-blockchain.ts [--max-difficulty 4] [--runs 5] [--blocks 4]
import { parseArgs } from "node:util";
import { Block, sha256 } from "../exercises/salad/blockchain-algorithm.ts";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Hashes per millisecond of the same sha256 input shape: the baseline of this machine, this run. */
function hashRate(): number {
  const count = 50_000;
  const started = performance.now();
  for (let k = 0; k < count; k++)
    sha256(JSON.stringify(["0".repeat(64), 1700000000000, '{"task":1,"fruit":"pêche"}', k]));
  return count / (performance.now() - started);
}

/** One run: mines `blocks` chained blocks; returns milliseconds and attempts per block. */
function mineRun(difficulty: number, blocks: number, run: number): { msPerBlock: number; attemptsPerBlock: number } {
  let previous = "0";
  let attempts = 0;
  const started = performance.now();
  for (let b = 0; b < blocks; b++) {
    const block = new Block(JSON.stringify({ task: b, fruit: "pêche", run }), previous);
    attempts += block.mine(difficulty);
    previous = block.hash;
  }
  return { msPerBlock: (performance.now() - started) / blocks, attemptsPerBlock: attempts / blocks };
}

const { values } = parseArgs({
  options: {
    "max-difficulty": { type: "string", default: "4" },
    runs: { type: "string", default: "5" },
    blocks: { type: "string", default: "4" },
  },
  strict: true,
});
const maxDifficulty = Number(values["max-difficulty"]);
const runs = Number(values.runs);
const blocks = Number(values.blocks);
if (![maxDifficulty, runs, blocks].every((n) => Number.isInteger(n) && n >= 1) || maxDifficulty > 6) {
  console.error("salad-blockchain: --max-difficulty 1..6, --runs and --blocks positive integers");
  process.exit(2);
}

const rate = hashRate();
console.log(
  JSON.stringify({ bench: "salad-blockchain", baseline: "sha256 per ms", hashesPerMs: Number(rate.toFixed(1)) }),
);
for (let difficulty = 1; difficulty <= maxDifficulty; difficulty++) {
  const results = Array.from({ length: runs }, (_, run) => mineRun(difficulty, blocks, run));
  const ms = median(results.map((r) => r.msPerBlock));
  const attempts = median(results.map((r) => r.attemptsPerBlock));
  console.log(
    JSON.stringify({
      bench: "salad-blockchain",
      difficulty,
      runs,
      blocksPerRun: blocks,
      medianMsPerBlock: Number(ms.toFixed(3)),
      medianAttemptsPerBlock: Math.round(attempts),
      expectedAttempts: 16 ** difficulty,
      msPerAttempt: Number((ms / attempts).toFixed(5)),
    }),
  );
}
