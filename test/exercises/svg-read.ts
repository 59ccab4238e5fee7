// Reads the exercises' SVG charts back with an XML parser (fast-xml-parser), for tests: each chart's title,
// tick labels, and per series its points (the data-x/data-y values and the pixel positions).
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { expect } from "vitest";

type Node = Record<string, unknown>;
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  isArray: (name) => ["g", "circle", "text", "line", "polyline"].includes(name),
});

/** Every chart of an SVG document: its title, tick labels, and per series the points (values and pixels). */
export function readCharts(svg: string) {
  expect(XMLValidator.validate(svg)).toBe(true);
  const doc = parser.parse(svg) as { svg: { g: Node[] } };
  return doc.svg.g.map((chart) => {
    const texts = (chart.text as Node[]).map((t) => ({ cls: t.class as string | undefined, text: String(t["#text"]) }));
    const series = (chart.g as Node[]).map((s) => ({
      name: s["data-name"] as string,
      points: ((s.circle as Node[]) ?? []).map((c) => ({
        x: Number(c["data-x"]),
        y: Number(c["data-y"]),
        cx: Number(c.cx),
        cy: Number(c.cy),
      })),
    }));
    return {
      title: chart["data-title"] as string,
      xTicks: texts.filter((t) => t.cls === "x-tick").map((t) => t.text),
      yTicks: texts.filter((t) => t.cls === "y-tick").map((t) => t.text),
      series,
    };
  });
}
