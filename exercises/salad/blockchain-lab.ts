// Salad exercise S5, the seed's first steps (seed 000, part 3, exercises 5 and 7), with the Block of
// blockchain.ts:
//   ex5: the three given blocks, chained from previous hash "0", with their hashes. Run it twice: the
//        hashes change, because each block's timestamp (its creation time) is hashed; --timestamp MS fixes
//        the timestamps and the hashes no longer change.
//   ex7: mine --blocks chained blocks at each difficulty 1 … --max-difficulty and print, per difficulty, the
//        mean seconds and attempts per block, as a table; --plot FILE.svg draws them (log scale).
//   npx tsx exercises/salad/blockchain-lab.ts ex5 [--timestamp 1700000000000]
//   npx tsx exercises/salad/blockchain-lab.ts ex7 [--max-difficulty 5] [--blocks 3] [--plot difficulty.svg]
// Lines: `BLOCK <i> hash=… previousHash=… timestamp=… data=<json>` (ex5);
//        `DIFFICULTY <d> seconds=<s> attempts=<a>` per difficulty (ex7), then the table.
import { parseArgs } from "node:util";
import { Block } from "./blockchain-algorithm.ts";
import { writeCharts } from "../common/svg-chart.ts";

const GIVEN = ["Bonjour, je suis le premier bloc", "Hello, je suis le deuxième bloc", "Yo, je suis le troisième bloc"];

function ex5(timestamp?: number): void {
  let previous = "0";
  GIVEN.forEach((data, i) => {
    const block = new Block(data, previous, timestamp);
    console.log(
      `BLOCK ${i} hash=${block.hash} previousHash=${block.previousHash} timestamp=${block.timestamp} data=${JSON.stringify(data)}`,
    );
    previous = block.hash;
  });
}

interface Row {
  difficulty: number;
  seconds: number;
  attempts: number;
}

function ex7(maxDifficulty: number, blocks: number): Row[] {
  const rows: Row[] = [];
  for (let difficulty = 1; difficulty <= maxDifficulty; difficulty++) {
    let previous = "0";
    let attempts = 0;
    const start = performance.now();
    for (let i = 0; i < blocks; i++) {
      const block = new Block(`block ${i} at difficulty ${difficulty}`, previous);
      attempts += block.mine(difficulty);
      previous = block.hash;
    }
    const row = { difficulty, seconds: (performance.now() - start) / 1000 / blocks, attempts: attempts / blocks };
    console.log(`DIFFICULTY ${difficulty} seconds=${row.seconds.toFixed(6)} attempts=${row.attempts}`);
    rows.push(row);
  }
  console.log("\n| difficulty | seconds per block | attempts per block |\n|---:|---:|---:|");
  for (const r of rows) console.log(`| ${r.difficulty} | ${r.seconds.toFixed(4)} | ${Math.round(r.attempts)} |`);
  return rows;
}

function whole(name: string, raw: string | undefined, fallback: number, max: number): number {
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new Error(`--${name} must be a whole number from 1 to ${max}, got "${raw}"`);
  return value;
}

try {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      timestamp: { type: "string" },
      "max-difficulty": { type: "string" },
      blocks: { type: "string" },
      plot: { type: "string" },
    },
  });
  if (positionals[0] === "ex5") {
    const timestamp = values.timestamp === undefined ? undefined : Number(values.timestamp);
    if (timestamp !== undefined && !Number.isFinite(timestamp))
      throw new Error(`--timestamp takes milliseconds since 1970, got "${values.timestamp}"`);
    ex5(timestamp);
  } else if (positionals[0] === "ex7") {
    const rows = ex7(whole("max-difficulty", values["max-difficulty"], 5, 8), whole("blocks", values.blocks, 3, 1000));
    if (values.plot) {
      writeCharts(values.plot, [
        {
          title: "Mining time per block",
          x: { label: "difficulty (leading zeros)" },
          y: { label: "seconds per block", log: true },
          series: [{ name: "seconds", points: rows.map((r) => [r.difficulty, r.seconds]) }],
        },
        {
          title: "Hashes tried per block",
          x: { label: "difficulty (leading zeros)" },
          y: { label: "attempts per block", log: true },
          series: [
            { name: "measured", points: rows.map((r) => [r.difficulty, r.attempts]) },
            { name: "16^d (expected)", points: rows.map((r) => [r.difficulty, 16 ** r.difficulty]) },
          ],
        },
      ]);
      console.log(`plot written to ${values.plot}`);
    }
  } else {
    throw new Error(`say which exercise: ex5 or ex7 (got ${positionals[0] ?? "nothing"})`);
  }
} catch (err) {
  console.error(`blockchain-lab: ${(err as Error).message}`);
  process.exit(2);
}
