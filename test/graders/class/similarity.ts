// Similarity hint for the teacher (never a grade): pairs of submissions for the same exercise whose token
// sequences are nearly identical once names and literals are ignored. A file becomes a sequence of
// tokens (keywords and punctuation kept, every identifier "id", every literal "lit", comments dropped);
// two files are compared by the Jaccard index of their sets of 6-token windows.

const KEYWORDS = new Set(
  (
    "await async break case catch class const continue default delete do else export extends false finally for " +
    "function if import in instanceof let new null of return static super switch this throw true try typeof undefined var void while yield"
  ).split(" "),
);

const TOKEN =
  /\/\/[^\n]*|\/\*[\s\S]*?\*\/|`(?:\\[\s\S]|[^`\\])*`|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|\d[\d_]*(?:\.\d+)?(?:e[+-]?\d+)?n?|0x[\da-f]+|[A-Za-z_$][\w$]*|[^\s\w]/giy;

/** The normalised tokens of a TypeScript source. */
export function tokens(source: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  for (let i = 0; i < source.length;) {
    if (/\s/.test(source[i])) {
      i++;
      continue;
    }
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(source);
    if (!m) {
      i++;
      continue;
    }
    i = TOKEN.lastIndex;
    const t = m[0];
    if (t.startsWith("//") || t.startsWith("/*")) continue;
    if (/^[`"'\d]/.test(t)) out.push("lit");
    else if (/^[A-Za-z_$]/.test(t)) out.push(KEYWORDS.has(t) ? t : "id");
    else out.push(t);
  }
  return out;
}

const WINDOW = 6;

function windows(toks: string[]): Set<string> {
  const set = new Set<string>();
  for (let i = 0; i + WINDOW <= toks.length; i++) set.add(toks.slice(i, i + WINDOW).join(" "));
  return set;
}

function jaccard(wa: Set<string>, wb: Set<string>): number {
  if (wa.size === 0 || wb.size === 0) return 0;
  let common = 0;
  for (const w of wa) if (wb.has(w)) common++;
  return common / (wa.size + wb.size - common);
}

/** Jaccard index of the two sources' token windows, 0..1. */
export function similarity(a: string, b: string): number {
  return jaccard(windows(tokens(a)), windows(tokens(b)));
}

export interface SimilarPair {
  exercise: string;
  a: string;
  b: string;
  score: number;
}

/** Pairs of students whose files for one exercise score at least `threshold`, most similar first. */
export function similarPairs(
  exercise: string,
  files: { student: string; source: string }[],
  threshold = 0.9,
): SimilarPair[] {
  const sets = files.map((f) => ({ student: f.student, w: windows(tokens(f.source)) }));
  const pairs: SimilarPair[] = [];
  for (let i = 0; i < sets.length; i++) {
    for (let j = i + 1; j < sets.length; j++) {
      const score = jaccard(sets[i].w, sets[j].w);
      if (score >= threshold) pairs.push({ exercise, a: sets[i].student, b: sets[j].student, score });
    }
  }
  return pairs.sort((x, y) => y.score - x.score);
}
