// Grader S5 (salad, seed 000 "un blockchain simplifié"): the master mines a proof-of-work block per prepared
// fruit. Checks every fruit once (S0 oracle), one block per fruit, links and proof of work read from the
// printed chain, the program's own verification, that altering any one block (data, nonce, hash,
// previousHash; plainly, re-hashed, or re-mined) breaks it, and that mining needs more attempts as the
// difficulty grows (attempts are compared, never wall time).
import { fail, programOf, type Grader } from "../lib/grader.ts";
import { checkEveryFruitOnce, parsePrepared, resolveProgram, saladOracle } from "./lib/oracle.ts";
import { withProcesses, type Live } from "./lib/proc.ts";

const DIFFICULTY = 3;
const BLOCK = /^BLOCK (\d+) hash=(\S+) previousHash=(\S+) nonce=(\d+) attempts=(\d+) data=(.*)$/;

interface PrintedBlock {
  index: number;
  hash: string;
  previousHash: string;
  attempts: number;
  data: string;
}

function parseBlocks(program: Live): PrintedBlock[] {
  return program.lines(BLOCK).map((line) => {
    const [, index, hash, previousHash, , attempts, data] = line.match(BLOCK)!;
    return { index: Number(index), hash, previousHash, attempts: Number(attempts), data };
  });
}

/** The task id a block's data records (`{"task": id, "fruit": …}`), if any. */
function taskOf(block: PrintedBlock): number | undefined {
  try {
    const data = JSON.parse(block.data) as { task?: unknown };
    return typeof data.task === "number" ? data.task : undefined;
  } catch {
    return undefined;
  }
}

/** Tamper specs (BLOCK:FIELD:MODE) grouped by what verify() needs to catch them, with a hint each. */
function tamperGroups(): Array<{ what: string; hint: string; specs: string[] }> {
  const pick = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo + 1));
  return [
    {
      what: "a changed data, nonce or hash is detected",
      hint: "verify() must recompute each block's hash from its fields and compare",
      specs: [`${pick(1, 10)}:data:plain`, `${pick(1, 10)}:nonce:plain`, `${pick(1, 10)}:hash:plain`, `0:data:plain`],
    },
    {
      what: "a broken link is detected (previousHash changed, or a block re-mined)",
      hint: "verify() must compare each block's previousHash with the previous block's hash",
      specs: [`${pick(1, 10)}:previousHash:plain`, `${pick(1, 11)}:previousHash:remine`, `${pick(1, 10)}:data:remine`],
    },
    {
      what: "a block without proof of work is detected",
      hint: `verify() must check that each hash starts with ${DIFFICULTY} zeros`,
      specs: ["last:data:rehash", "last:nonce:rehash"],
    },
  ];
}

export const s5: Grader = {
  id: "S5",
  title: "proof-of-work blockchain: a block per fruit, verify() catches any tampering, attempts grow with difficulty",
  reference: "exercises/salad/blockchain.ts",
  async run(checker, options) {
    const program = resolveProgram(programOf(this, options));
    const oracle = await saladOracle();
    const groups = tamperGroups();
    await withProcesses(async (procs) => {
      const main = procs.start(`blockchain --difficulty ${DIFFICULTY}`, program, [
        "--difficulty",
        String(DIFFICULTY),
        "--time-scale",
        "0.01",
        "--tamper",
        groups.flatMap((g) => g.specs).join(","),
      ]);
      const easier = [1, 2].map((d) =>
        procs.start(`blockchain --difficulty ${d}`, program, ["--difficulty", String(d), "--time-scale", "0.002"]),
      );
      const ok = await checker.check("runs to the end and exits 0", async () => {
        for (const run of [main, ...easier]) {
          const exit = await run.finished(60_000);
          if (exit.code !== 0) fail(run.describe(), "exit code 0");
        }
      });
      if (!ok) return;
      const prepared = parsePrepared(main.lines());
      await checker.check("every fruit prepared exactly once (as S0)", () => checkEveryFruitOnce(prepared, oracle));

      await checker.check(
        `one block per prepared fruit, linked by previousHash, each hash with ${DIFFICULTY} leading zeros`,
        () => {
          const blocks = parseBlocks(main);
          if (blocks.length === 0)
            fail("no `BLOCK <i> hash=… previousHash=… nonce=… attempts=… data=…` line", "one per block");
          blocks.forEach((block, k) => {
            if (block.index !== k)
              fail(
                `block printed as number ${block.index} at position ${k}`,
                "blocks numbered 0, 1, 2… in chain order",
              );
            if (!/^[0-9a-f]{64}$/.test(block.hash))
              fail(`block ${k} hash ${block.hash}`, "a sha256 in hexadecimal (64 digits)");
            if (!block.hash.startsWith("0".repeat(DIFFICULTY)))
              fail(
                `block ${k} hash ${block.hash}`,
                `${DIFFICULTY} leading zeros`,
                "mine(difficulty) must raise the nonce until the hash starts with difficulty zeros",
              );
            if (k > 0 && block.previousHash !== blocks[k - 1].hash)
              fail(`block ${k} previousHash ${block.previousHash}`, `block ${k - 1}'s hash ${blocks[k - 1].hash}`);
          });
          const tasks = blocks
            .map(taskOf)
            .filter((t): t is number => t !== undefined)
            .sort((a, b) => a - b);
          const done = prepared.map((p) => p.id).sort((a, b) => a - b);
          if (tasks.join() !== done.join())
            fail(
              `blocks record tasks [${tasks.join(", ")}]`,
              `one block per prepared task [${done.join(", ")}]`,
              'Mine a block per finished task, its data JSON with "task" and "fruit"',
            );
          return `${blocks.length} blocks`;
        },
      );

      await checker.check("the finished chain verifies", () => {
        const verdict = main.lines(/^CHAIN /)[0];
        if (!verdict?.startsWith("CHAIN VALID")) fail(verdict ?? "no `CHAIN VALID|INVALID` line", "CHAIN VALID");
        return verdict;
      });

      const tampered = new Map(
        main.lines(/^TAMPER /).map((line) => [line.split(" -> ")[0], line.split(" -> ")[1] ?? ""]),
      );
      for (const group of groups) {
        await checker.check(`tampering: ${group.what}`, () => {
          for (const spec of group.specs) {
            const [block, field, mode] = spec.split(":");
            const key = [...tampered.keys()].find(
              (k) => k.endsWith(` ${field} ${mode}`) && (block === "last" || k.startsWith(`TAMPER ${block} `)),
            );
            const verdict = key === undefined ? undefined : tampered.get(key);
            if (verdict === undefined)
              fail(`no \`TAMPER ${block} ${field} ${mode} -> …\` line`, "one per --tamper spec");
            if (!verdict.startsWith("CHAIN INVALID"))
              fail(`block ${block} ${field} altered (${mode}): ${verdict}`, "CHAIN INVALID", group.hint);
          }
          return group.specs.join(", ");
        });
      }

      await checker.check("mining needs more attempts as the difficulty grows", () => {
        const means = [...easier, main].map((run, k) => {
          const blocks = parseBlocks(run);
          const d = k + 1;
          const bad = blocks.find((b) => !b.hash.startsWith("0".repeat(d)));
          if (bad) fail(`difficulty ${d}: block ${bad.index} hash ${bad.hash}`, `${d} leading zeros`);
          if (blocks.length === 0) fail(`difficulty ${d}: no BLOCK line`, "the chain printed");
          return blocks.reduce((sum, b) => sum + b.attempts, 0) / blocks.length;
        });
        for (let k = 1; k < means.length; k++) {
          if (!(means[k] > means[k - 1]))
            fail(
              `mean attempts per block ${means.map((m) => m.toFixed(0)).join(" → ")} for difficulty 1 → 3`,
              "a growing number",
              "attempts= is how many hashes mine() computed",
            );
        }
        return `mean attempts per block ${means.map((m) => m.toFixed(0)).join(" → ")} (≈ 16^d)`;
      });
    });
  },
};
