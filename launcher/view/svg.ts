// `tsrun view DIR --svg FILE`: the space-time diagram as one standalone SVG file for a report (style
// inline, no script), drawn by the same code as the page (launcher/view/client/render.js) at a fixed
// width, fitted to the whole run in wall time from init; a deadlock's wait-for graph and hint underneath.
import type { ViewData } from "./data.ts";
import { loadDrawing, type SvgNode } from "./scripts.ts";

export const SVG_WIDTH = 1200;
export const SVG_ROW_HEIGHT = 64;

export function viewSvg(data: ViewData, title: string, width = SVG_WIDTH): string {
  const { TsmpiRender: R, TsmpiPanels: P } = loadDrawing();
  const [lo, hi] = R.extent(data, "time");
  const diagram = R.diagram(data, {
    axis: "time",
    lo,
    hi,
    width,
    rowH: SVG_ROW_HEIGHT,
    ranks: null,
    tags: null,
    showColl: true,
  });
  const kids: SvgNode[] = [
    R.defs(),
    R.n("rect", { x: 0, y: 0, width, height: "100%", fill: "#fff" }),
    R.n("text", { x: 8, y: 18, class: "svg-title" }, [], title),
  ];
  let y = 26;
  kids.push(R.n("g", { transform: `translate(0 ${y})` }, [diagram.root]));
  y += diagram.height;
  const waits = P.waitFor(data, width);
  if (waits) {
    kids.push(R.n("g", { transform: `translate(0 ${y})` }, [waits.root]));
    y += waits.height;
  }
  const style = R.n("style", {}, [], `${R.CSS}\n${P.CSS}\n.svg-title { font-weight: bold; }`);
  const svg = R.n(
    "svg",
    { xmlns: "http://www.w3.org/2000/svg", width, height: Math.ceil(y), viewBox: `0 0 ${width} ${Math.ceil(y)}` },
    [style, ...kids],
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n${R.serialize(svg)}\n`;
}
