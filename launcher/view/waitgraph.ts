// The deadlock's wait-for graph as the view draws it, read back from the Graphviz file tsrun writes
// (launcher/diagnostics/describe.ts deadlockDot: `r0 [label="rank 0\nrecv(…)\nring.ts:9:15"];` per rank,
// `r0 -> r1 [color=red, penwidth=2];` per edge, red edges along the cycle, dashed ranks that cannot
// answer), and the one-line summary and hint from tsrun's report.
export interface WaitForNode {
  rank: number;
  lines: string[];
  dashed: boolean;
}

export interface WaitForGraph {
  nodes: WaitForNode[];
  edges: { from: number; to: number; cycle: boolean }[];
  summary: string;
  hint: string;
}

export function parseWaitFor(dot: string, report = ""): WaitForGraph {
  const nodes: WaitForNode[] = [];
  const edges: WaitForGraph["edges"] = [];
  for (const line of dot.split("\n")) {
    const edge = /^\s*r(\d+)\s*->\s*r(\d+)\s*(\[[^\]]*\])?/.exec(line);
    if (edge) {
      edges.push({ from: Number(edge[1]), to: Number(edge[2]), cycle: /color=red/.test(edge[3] ?? "") });
      continue;
    }
    const node = /^\s*r(\d+)\s*\[label="((?:[^"\\]|\\.)*)"(.*)\]/.exec(line);
    if (node) {
      const lines = node[2].split("\\n").map((l) =>
        l
          .replace(/\\"/g, '"')
          .replace(/^\S*\/([^/\s]+\.[cm]?[jt]sx?:\d+):\d+$/, "$1")
          .replace(/(\.[cm]?[jt]sx?:\d+):\d+$/, "$1"),
      );
      nodes.push({ rank: Number(node[1]), lines, dashed: /style=dashed/.test(node[3]) });
    }
  }
  const first = report.split("\n")[0] ?? "";
  const summary =
    first.replace(/^tsrun:\s*/, "") ||
    `deadlock: ${nodes.length} rank${nodes.length === 1 ? "" : "s"} wait for each other`;
  const hint =
    /^\s*hint:\s*(.*)$/m.exec(report)?.[1] ?? "each blocked call needs a matching call on the ranks it waits for";
  return { nodes, edges, summary, hint };
}
