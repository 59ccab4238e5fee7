// The trace view on the runs where a student needs a picture most, in a real headless Chromium (Debian's
// chromium through playwright-core), each trace recorded by the real tsrun: a 3-rank receive cycle shows
// three blocked bars with their source lines, kept to the end and marked, the wait-for cycle as arrows
// between them, the wait-for graph drawn in the page and the hint; a ring with a wrong tag shows the
// never-received message reaching rank 1 with its tag; no two texts of the transpose exercise's diagram
// (np = 4) overlap, in either axis; the wall-time axis starts at init; `tsrun view --svg` writes an SVG
// that parses and has the page's labels.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { runCommand, runTsrun, tsrunBin } from "../harness/run.ts";
import { commandRequirement, ready } from "../harness/requires.ts";
import { scratchDir } from "../harness/scratch.ts";

/** The page's document, in functions that run in the browser (the project compiles without the DOM lib). */
declare const document: { querySelectorAll(s: string): ArrayLike<Box> };
declare class DOMParser {
  parseFromString(
    text: string,
    type: string,
  ): { querySelector(s: string): unknown; querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> };
}
interface Box {
  textContent: string | null;
  getAttribute(a: string): string | null;
  getBoundingClientRect(): { left: number; right: number; top: number; bottom: number };
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const work = scratchDir("tsmpi-view-student-");
const programs = "test/launcher/programs";
let browser: BrowserContext;

/** Records a trace of `program` at `np` ranks and writes its page; returns the trace directory and page path. */
async function traced(
  name: string,
  np: number,
  program: string,
  expectCode: number,
  programArgs: string[] = [],
): Promise<{ dir: string; html: string; stderr: string }> {
  const dir = path.join(work, name);
  const run = await runTsrun(np, program, { tsrunArgs: ["--trace", dir], programArgs });
  expect(run.code, run.stderr).toBe(expectCode);
  const html = path.join(work, `${name}.html`);
  const view = await runCommand(process.execPath, [tsrunBin, "view", dir, "-o", html]);
  expect(view.code, view.stderr).toBe(0);
  return { dir, html, stderr: run.stderr };
}

async function open(file: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`file://${file}`);
  await page.waitForSelector("body[data-ready=true]");
  return { page, errors };
}

/** Every text of the diagram whose box intersects another's (as the browser lays them out). */
function overlappingTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const boxes = Array.from(document.querySelectorAll("#diagram text")).map((t) => ({
      text: t.textContent ?? "",
      r: t.getBoundingClientRect(),
    }));
    const out: string[] = [];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i].r;
        const b = boxes[j].r;
        if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
          out.push(`"${boxes[i].text}" × "${boxes[j].text}"`);
      }
    }
    return out;
  });
}

const labelsOf = (page: Page) =>
  page.locator("#diagram text.label").evaluateAll((ts) => ts.map((t) => t.textContent ?? "").sort());

describe.skipIf(!ready(commandRequirement(CHROMIUM, "apt-get install -y chromium", "chromium")))(
  "tsrun view for a student",
  () => {
    beforeAll(async () => {
      browser = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(work, "profile-")), {
        executablePath: CHROMIUM,
        headless: true,
        viewport: { width: 1200, height: 700 },
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
        ],
      });
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      fs.rmSync(work, { recursive: true, force: true });
    });

    it("draws a 3-rank receive cycle: three blocked bars with their lines, the cycle, the graph and the hint; exports it as SVG", async () => {
      const { dir, html } = await traced("cycle", 3, `${programs}/cycle.ts`, 1);
      const { page, errors } = await open(html);
      const bars = await page
        .locator("rect.bar.open")
        .evaluateAll((rs) =>
          rs
            .map((r) => `${r.getAttribute("data-rank")} ${r.getAttribute("data-call")} ${r.getAttribute("data-site")}`)
            .sort(),
        );
      expect(bars).toEqual(
        [0, 1, 2].map((r) =>
          expect.stringMatching(new RegExp(`^${r} recv\\(source=${(r + 1) % 3}, tag=0\\) \\S*cycle\\.ts:10:\\d+$`)),
        ),
      );
      const labels = await labelsOf(page);
      for (const r of [0, 1, 2])
        expect(labels).toContain(`recv(source=${(r + 1) % 3}, tag=0) · cycle.ts:10 · still blocked`);
      // every open bar reaches the end of its rank's line: kept to the end, with its end mark
      expect(await page.locator("rect.bar-end").count()).toBe(3);
      const edges = await page
        .locator("path.wait-edge")
        .evaluateAll((ps) => ps.map((p) => `${p.getAttribute("data-from")}→${p.getAttribute("data-to")}`).sort());
      expect(edges).toEqual(["0→1", "1→2", "2→0"]);
      expect(await page.locator("#waitfor .graph-node").count()).toBe(3);
      expect(await page.locator("#waitfor path.graph-edge.cycle").count()).toBe(3);
      expect(await page.locator("#waitfor").textContent()).toContain("cycle.ts:10");
      expect(await page.locator("#outcome").getAttribute("data-kind")).toBe("deadlock");
      expect(await page.locator("#outcome .hint").textContent()).toMatch(
        /every rank of the cycle receives before it sends/,
      );
      expect(await page.locator("#time-chart rect.share.blocked[data-rank]").count()).toBe(3);
      expect(await overlappingTexts(page)).toEqual([]);

      const svgFile = path.join(work, "cycle.svg");
      const exported = await runCommand(process.execPath, [tsrunBin, "view", dir, "--svg", svgFile]);
      expect(exported.code, exported.stderr).toBe(0);
      const svgText = fs.readFileSync(svgFile, "utf8");
      expect(svgText).not.toMatch(/<script|href="http/);
      const parsed = await page.evaluate((text) => {
        const doc = new DOMParser().parseFromString(text, "image/svg+xml");
        return {
          error: doc.querySelector("parsererror") !== null,
          labels: Array.from(doc.querySelectorAll("text.label"))
            .map((t) => t.textContent ?? "")
            .sort(),
          nodes: doc.querySelectorAll(".graph-node").length,
        };
      }, svgText);
      expect(parsed.error).toBe(false);
      expect(parsed.labels).toEqual(labels);
      expect(parsed.nodes).toBe(3);
      expect(errors).toEqual([]);
      await page.close();
    });

    it("draws a wrong-tag ring: the never-received message reaches rank 1 with its tag; the axis starts at init", async () => {
      const { html } = await traced("wrong-tag", 4, `${programs}/ring-wrong-tag.ts`, 1);
      const { page, errors } = await open(html);
      const lost = page.locator("line.unmatched");
      expect(await lost.count()).toBe(1);
      expect(await lost.getAttribute("data-from")).toBe("0");
      expect(await lost.getAttribute("data-to")).toBe("1");
      expect(await lost.getAttribute("data-tag")).toBe("1");
      const rank1 = await page.locator('line.rank-line[data-rank="1"]').getAttribute("y1");
      expect(Number(await lost.getAttribute("y2"))).toBeCloseTo(Number(rank1), 1);
      expect(await labelsOf(page)).toContainEqual(expect.stringMatching(/^tag 1, 1 byte · never received/));
      expect(await page.locator('rect.bar.open[data-rank="1"]').getAttribute("data-call")).toBe(
        "recv(source=0, tag=2)",
      );

      // the wall-time axis starts at init: its marker is at "0 ms", at the left of the plot, before everything drawn
      const marker = Number(await page.locator("line.init-marker").getAttribute("x1"));
      const zero = page.locator("text.tick-label", { hasText: /^0 ms$/ });
      expect(Number(await zero.getAttribute("x"))).toBeCloseTo(marker, 1);
      expect(await page.locator("text.label.init").textContent()).toMatch(/^init \(start-up \d+(\.\d)? ms folded\)$/);
      const width = Number(await page.locator("#diagram").getAttribute("width"));
      expect(marker - 78).toBeLessThan(0.03 * width);
      const starts = await page
        .locator("rect.bar, line.unmatched")
        .evaluateAll((es) => es.map((e) => Number(e.getAttribute("x") ?? e.getAttribute("x1"))));
      expect(Math.min(...starts)).toBeGreaterThanOrEqual(marker - 0.5);
      expect(errors).toEqual([]);
      await page.close();
    });

    it("never draws two texts over each other on the transpose exercise at np = 4, in wall time and in causal order", async () => {
      const { html } = await traced("transpose", 4, "exercises/mpi/transpose.ts", 0);
      const { page, errors } = await open(html);
      expect(await page.locator("rect.coll").count()).toBeGreaterThanOrEqual(2);
      expect(await page.locator("text.coll-name").count()).toBeGreaterThanOrEqual(2);
      // each collective call is one band across the ranks, with its algorithm's messages inside it
      const bands = new Map(
        await page
          .locator("rect.coll")
          .evaluateAll((rs) =>
            rs.map(
              (r) =>
                [
                  r.getAttribute("data-group"),
                  [Number(r.getAttribute("x")), Number(r.getAttribute("x")) + Number(r.getAttribute("width"))],
                ] as [string, number[]],
            ),
          ),
      );
      const inside = await page
        .locator("line.msg.coll-msg")
        .evaluateAll((ls) =>
          ls.map(
            (l) =>
              [l.getAttribute("data-group"), Number(l.getAttribute("x1")), Number(l.getAttribute("x2"))] as [
                string,
                number,
                number,
              ],
          ),
        );
      expect(inside.length).toBeGreaterThan(0);
      for (const [group, x1, x2] of inside) {
        const band = bands.get(group)!;
        expect(band, `message of collective ${group}`).toBeDefined();
        expect(Math.min(x1, x2)).toBeGreaterThanOrEqual(band[0] - 0.5);
        expect(Math.max(x1, x2)).toBeLessThanOrEqual(band[1] + 0.5);
      }
      expect(await overlappingTexts(page)).toEqual([]);
      await page.selectOption("#axis", "causal");
      await page.waitForFunction(() =>
        Array.from(document.querySelectorAll("#diagram text.tick-label")).every((t) =>
          /^\d+$/.test(t.textContent ?? ""),
        ),
      );
      const ticks = await page.locator("text.tick-label").evaluateAll((ts) => ts.map((t) => t.textContent));
      expect(new Set(ticks).size).toBe(ticks.length); // each causal position is numbered once
      expect(await overlappingTexts(page)).toEqual([]);
      await page.click("#zoom-in");
      await page.click("#zoom-in");
      await page.evaluate("new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))");
      expect(await overlappingTexts(page)).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    });
  },
);
