// The view's browser scripts (launcher/view/client/*.js, plain JavaScript inlined into the page) and the
// same drawing code run here, in a V8 context of its own, for `tsrun view --svg` (render.js and panels.js
// touch no DOM: they build node trees that the page turns into elements and the export into text).
import * as fs from "node:fs";
import * as vm from "node:vm";

const read = (name: string) => fs.readFileSync(new URL(`./client/${name}`, import.meta.url), "utf8");

/** The drawing scripts first (they define TsmpiRender and TsmpiPanels), then the page's interaction. */
export const pageScripts = (): string => [read("render.js"), read("panels.js"), read("spacetime.js")].join("\n");

export interface SvgNode {
  tag: string;
  attrs: Record<string, string | number>;
  kids: SvgNode[];
  text?: string;
}

export interface View {
  axis: "time" | "causal";
  lo: number;
  hi: number;
  width: number;
  rowH: number;
  ranks: Set<number> | null;
  tags: Set<number> | null;
  showColl: boolean;
}

export interface Drawing {
  TsmpiRender: {
    CSS: string;
    n(tag: string, attrs?: Record<string, string | number>, kids?: SvgNode[], text?: string): SvgNode;
    defs(): SvgNode;
    extent(data: unknown, axis: string): [number, number];
    diagram(data: unknown, view: View): { root: SvgNode; height: number; shown: number };
    serialize(node: SvgNode): string;
  };
  TsmpiPanels: {
    CSS: string;
    waitFor(data: unknown, width: number, withHeadline?: boolean): { root: SvgNode; height: number } | null;
    timeChart(data: unknown, width: number): { root: SvgNode; height: number };
    bytesChart(data: unknown): { root: SvgNode; height: number };
  };
}

let drawing: Drawing | null = null;

/** render.js and panels.js, evaluated once in a fresh context. */
export function loadDrawing(): Drawing {
  drawing ??= vm.runInNewContext(
    `${read("render.js")}\n${read("panels.js")}\n({ TsmpiRender, TsmpiPanels })`,
    {},
    { filename: "tsmpi-view-drawing.js" },
  ) as Drawing;
  return drawing;
}
