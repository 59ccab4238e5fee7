// SOLUTION regions of a reference program, and the starter generated from them (format in
// exercises/README.md, "Starters"): the part a student writes is marked in the reference
//     // SOLUTION BEGIN: <hint shown to the student>
//     ...solution lines (a line `// STARTER: <code>` inside is emitted as <code> in the starter)...
//     // SOLUTION END
// and the starter replaces each region with `// TODO: <hint>` and its STARTER lines, at the region's
// indentation. Regions do not nest. Pure: text in, text out, errors name the file and line.

export interface Region {
  hint: string;
  /** 1-based line numbers of the BEGIN and END markers. */
  begin: number;
  end: number;
  /** The region's lines between its markers, STARTER lines excluded. */
  solution: string[];
  /** The code of its `// STARTER:` lines, as they appear in the starter (indented). */
  starter: string[];
}

export class RegionError extends Error {
  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.name = "RegionError";
  }
}

const BEGIN = /^(\s*)\/\/\s*SOLUTION BEGIN(?::\s*(.*))?$/;
const END = /^\s*\/\/\s*SOLUTION END\s*$/;
const STARTER = /^(\s*)\/\/\s*STARTER:\s?(.*)$/;
const MARKER = /\/\/\s*(SOLUTION (BEGIN|END)|STARTER:)/;

/** The regions of a reference, in order. Throws a RegionError on an unbalanced or nested marker. */
export function parseRegions(text: string, file = "<reference>"): Region[] {
  const regions: Region[] = [];
  let open: Region | null = null;
  text.split("\n").forEach((line, i) => {
    const n = i + 1;
    const begin = BEGIN.exec(line);
    if (begin) {
      if (open)
        throw new RegionError(
          file,
          n,
          `SOLUTION BEGIN inside the region opened at line ${open.begin} (regions do not nest)`,
        );
      const hint = (begin[2] ?? "").trim();
      if (!hint)
        throw new RegionError(
          file,
          n,
          "SOLUTION BEGIN needs a hint: `// SOLUTION BEGIN: what the student writes here`",
        );
      open = { hint, begin: n, end: 0, solution: [], starter: [] };
    } else if (END.test(line)) {
      if (!open) throw new RegionError(file, n, "SOLUTION END without a SOLUTION BEGIN before it");
      open.end = n;
      regions.push(open);
      open = null;
    } else if (open) {
      const starter = STARTER.exec(line);
      if (starter) open.starter.push(starter[1] + starter[2]);
      else open.solution.push(line);
    } else if (MARKER.test(line) && STARTER.test(line)) {
      throw new RegionError(file, n, "a STARTER line outside any SOLUTION region");
    } else if (MARKER.test(line)) {
      throw new RegionError(
        file,
        n,
        `a misspelt marker: "${line.trim()}" (expected "// SOLUTION BEGIN: hint" or "// SOLUTION END")`,
      );
    }
  });
  if (open) throw new RegionError(file, (open as Region).begin, "SOLUTION BEGIN never closed by a SOLUTION END");
  return regions;
}

/** The starter: every region replaced by `// TODO: hint` and its STARTER lines. */
export function makeStarter(text: string, file = "<reference>"): string {
  const regions = parseRegions(text, file);
  const lines = text.split("\n");
  const out: string[] = [];
  let next = 0;
  for (const region of regions) {
    out.push(...lines.slice(next, region.begin - 1));
    const indent = BEGIN.exec(lines[region.begin - 1])![1];
    out.push(`${indent}// TODO: ${region.hint}`, ...region.starter);
    next = region.end;
  }
  out.push(...lines.slice(next));
  return out.join("\n");
}

/**
 * The solution lines worth looking for in a pack: trimmed, at least `minLength` characters, and not only
 * punctuation or a comment (a lone `}` or `await comm.barrier();` would match unrelated code), and not a
 * line the region's STARTER lines give anyway.
 */
export function solutionLines(regions: Region[], minLength = 16): string[] {
  const given = new Set(regions.flatMap((r) => r.starter).map((l) => l.trim()));
  return regions
    .flatMap((r) => r.solution)
    .map((l) => l.trim())
    .filter((l) => l.length >= minLength && !l.startsWith("//") && /[A-Za-z0-9]/.test(l) && !given.has(l));
}
