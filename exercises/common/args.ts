// What many exercises share: reading `--name value` from the command line, and mulberry32, the small
// seeded generator whose numbers the graders recompute (they keep their own copy: they grade programs as
// black boxes). Programs with many options use node:util's parseArgs or yargs instead.
//   import { mulberry32, numberOption } from "../common/args.ts";

/** The word after `--name` on the command line, or `fallback` when the option is absent. */
export function textOption(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : fallback;
}

/** `--name N` as a number (NaN when the word after it is not one), or `fallback` when the option is absent. */
export function numberOption(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

/** mulberry32: numbers in [0, 1), the same sequence for the same seed on every machine. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
