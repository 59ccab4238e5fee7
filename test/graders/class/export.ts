// The class's exports: grades.csv (one line per student, one column per exercise: the fraction of checks
// passed, "not submitted" or "grader error", for a gradebook) and report.html, a static offline page: the
// class table student × exercise, a click on a cell shows the feedback the student sees and, for a failed
// MPI run, a link to its trace view; then the similarity hints.
import type { SimilarPair } from "./similarity.ts";
import type { Submission } from "./store.ts";

export interface ClassTable {
  students: string[];
  exercises: string[];
  /** Key `${student}\u0000${exercise}`. */
  cells: Map<string, Submission>;
  similar: SimilarPair[];
}

export const cellKey = (student: string, exercise: string) => `${student}\u0000${exercise}`;

/** The gradebook value of a cell. */
export function score(s: Submission | undefined): string {
  if (!s || s.status === "not submitted") return "not submitted";
  if (s.status === "grader error") return "grader error";
  const passed = s.checks.filter((c) => c.passed).length;
  return s.checks.length ? (passed / s.checks.length).toFixed(2) : "0.00";
}

function csvField(v: string): string {
  return /[",\n\r]/.test(v) || /^[=+\-@]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function toCsv(t: ClassTable): string {
  const lines = [["student", ...t.exercises].map(csvField).join(",")];
  for (const st of t.students)
    lines.push([st, ...t.exercises.map((ex) => score(t.cells.get(cellKey(st, ex))))].map(csvField).join(","));
  return lines.join("\n") + "\n";
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function cellHtml(st: string, ex: string, s: Submission | undefined, index: number): string {
  const value = score(s);
  const passed = s?.checks.filter((c) => c.passed).length ?? 0;
  const total = s?.checks.length ?? 0;
  const cls =
    !s || s.status === "not submitted"
      ? "absent"
      : s.status === "grader error"
        ? "error"
        : passed === total && total > 0
          ? "pass"
          : passed > 0
            ? "partial"
            : "fail";
  const label = cls === "absent" ? "not submitted" : cls === "error" ? "grader error" : `${passed}/${total}`;
  return `<td><button class="cell ${cls}" data-cell="${index}" data-student="${escapeHtml(st)}" data-exercise="${escapeHtml(ex)}" data-score="${value}">${label}</button></td>`;
}

/** What a click on a cell shows: the student's feedback and, per failed check, its trace view. */
function detailHtml(st: string, ex: string, s: Submission | undefined): string {
  const head = `<h2>${escapeHtml(st)} — ${escapeHtml(ex)}</h2>`;
  if (!s || s.status === "not submitted") return `${head}<p>not submitted</p>`;
  const items = s.checks
    .map(
      (c) =>
        `<li class="${c.passed ? "ok" : "ko"}">${c.passed ? "PASS" : "FAIL"} ${escapeHtml(c.what)}${c.passed ? "" : `: ${escapeHtml(c.message)}`}${c.trace ? ` <a class="trace" href="${escapeHtml(c.trace)}">trace view</a>` : ""}</li>`,
    )
    .join("");
  return `${head}<ul>${items}</ul><pre class="feedback">${escapeHtml(s.feedback)}</pre>`;
}

const STYLE = `body{font:14px system-ui,sans-serif;margin:1.5em}table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:2px 6px}
.cell{border:0;width:100%;cursor:pointer;padding:3px 8px}.pass{background:#c8ecc8}.partial{background:#f6e7a8}.fail,.error{background:#f3b9b9}.absent{background:#eee;color:#666}
li.ko{color:#a00}pre.feedback{background:#f6f6f6;padding:8px;white-space:pre-wrap}#detail{margin-top:1em}`;

const SCRIPT = `const details = document.querySelectorAll("template.detail");
for (const b of document.querySelectorAll("button.cell")) b.addEventListener("click", () => {
  const d = document.getElementById("detail");
  d.replaceChildren(details[Number(b.dataset.cell)].content.cloneNode(true));
  d.dataset.shown = b.dataset.cell;
});`;

export function toHtml(t: ClassTable, summary: string): string {
  const head = `<tr><th>student</th>${t.exercises.map((ex) => `<th>${escapeHtml(ex)}</th>`).join("")}</tr>`;
  const rows: string[] = [];
  const templates: string[] = [];
  for (const st of t.students) {
    const cells = t.exercises.map((ex) => {
      const s = t.cells.get(cellKey(st, ex));
      templates.push(`<template class="detail">${detailHtml(st, ex, s)}</template>`);
      return cellHtml(st, ex, s, templates.length - 1);
    });
    rows.push(`<tr><th class="student">${escapeHtml(st)}</th>${cells.join("")}</tr>`);
  }
  const similar = t.similar.length
    ? `<ul id="similar">${t.similar.map((p) => `<li>${escapeHtml(p.exercise)}: ${escapeHtml(p.a)} and ${escapeHtml(p.b)} (${Math.round(p.score * 100)}% of token windows in common)</li>`).join("")}</ul>`
    : `<p id="similar">No pair of submissions is nearly identical.</p>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Class grades</title><style>${STYLE}</style></head><body>
<h1>Class grades</h1><p id="summary">${escapeHtml(summary)}</p>
<table id="grades">${head}${rows.join("\n")}</table>
<p>Click a cell for the feedback the student sees.</p><div id="detail"></div>
<h2>Similar submissions</h2><p>A hint for the teacher to look at, never a grade: names and literals are ignored.</p>${similar}
${templates.join("\n")}
<script>${SCRIPT}</script></body></html>
`;
}
