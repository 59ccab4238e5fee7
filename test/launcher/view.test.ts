// The trace's space-time view (`tsrun view DIR`) and the live view (`tsrun --live`) in a real headless
// Chromium (Debian's chromium package, driven by playwright-core): the pages load without console errors,
// the view draws one arrow per message of a known run and its filters and zoom act on them, and the live
// page follows a running job — a rank blocked in recv at its source line, message counts that grow — to
// its end. The live server refuses requests without its token.
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ready, chromiumRequirement } from "../harness/requires.ts";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { projectRoot, runCommand, runTsrun, tsrunBin } from "../harness/run.ts";
import { scratchDir } from "../harness/scratch.ts";

/** Skips the file with one line naming what is missing (fails instead under TSMPI_REQUIRE_ALL=1). */
const canRun = ready(chromiumRequirement());

/** The page's document, in functions that run in the browser (the project compiles without the DOM lib). */
declare const document: {
  querySelector(s: string): { getAttribute(a: string): string | null; textContent: string | null } | null;
  querySelectorAll(s: string): ArrayLike<{ getAttribute(a: string): string | null }>;
};

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const work = scratchDir("tsmpi-view-test-");
let browser: BrowserContext;
const children: ChildProcess[] = [];

beforeAll(async () => {
  if (!canRun) return;
  browser = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(work, "profile-")), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1100, height: 600 },
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
  for (const c of children) {
    try {
      process.kill(-c.pid!, "SIGKILL");
    } catch {}
  }
  await browser?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

/** A new page that records console errors and uncaught exceptions. */
async function openPage(url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(url);
  return { page, errors };
}

describe.skipIf(!canRun)("tsrun view", () => {
  it("draws the 4 messages of a 4-rank ring, filters them and zooms", async () => {
    const dir = path.join(work, "ring");
    const run = await runTsrun(4, "exercises/mpi/ring.ts", { tsrunArgs: ["--trace", dir] });
    expect(run.code, run.stderr).toBe(0);
    const html = path.join(work, "ring.html");
    const view = await runCommand(process.execPath, [tsrunBin, "view", dir, "-o", html]);
    expect(view.code, view.stderr).toBe(0);
    expect(view.stderr).toContain(`wrote ${html} (4 ranks, 4 messages, 0 collective calls)`);
    expect(fs.readFileSync(html, "utf8")).not.toMatch(/<script[^>]+src=|<link[^>]+href=/); // self-contained

    const { page, errors } = await openPage(`file://${html}`);
    await page.waitForSelector("body[data-ready=true]");
    expect(await page.locator("line.msg").count()).toBe(4);
    expect(await page.locator("line.rank-line").count()).toBe(4);
    const pairs = await page
      .locator("line.msg")
      .evaluateAll((ls) => ls.map((l) => `${l.getAttribute("data-from")}→${l.getAttribute("data-to")}`).sort());
    expect(pairs).toEqual(["0→1", "1→2", "2→3", "3→0"]);
    const tip = await page.locator("line.msg").first().getAttribute("data-tip");
    expect(tip).toMatch(
      /tag 0, \d+ bytes?, COMM_WORLD[\s\S]*sent at .* by \S*ring\.ts:\d+:\d+[\s\S]*received at .* by \S*ring\.ts:\d+:\d+/,
    );

    await page.fill("#rank-filter", "0,1");
    await page.waitForFunction(() => document.querySelectorAll("line.msg").length === 1);
    expect(await page.locator("line.rank-line").count()).toBe(2);
    await page.fill("#rank-filter", "");
    await page.fill("#tag-filter", "5");
    await page.waitForFunction(() => document.querySelectorAll("line.msg").length === 0);
    await page.fill("#tag-filter", "");
    await page.waitForFunction(() => document.querySelectorAll("line.msg").length === 4);

    // zoom in around the plot's centre: the message nearest to it (same data-index) gets wider
    const spans = await page.locator("line.msg").evaluateAll((ls) =>
      ls.map((l) => ({
        index: l.getAttribute("data-index"),
        x1: Number(l.getAttribute("x1")),
        x2: Number(l.getAttribute("x2")),
      })),
    );
    const centre = (78 + Number(await page.locator("#diagram").getAttribute("width")) - 24) / 2; // the zoom buttons zoom around the plot's middle
    const middle = spans.sort((a, b) => Math.abs((a.x1 + a.x2) / 2 - centre) - Math.abs((b.x1 + b.x2) / 2 - centre))[0];
    await page.click("#zoom-in");
    await page.waitForFunction(
      ([index, w]) => {
        const l = document.querySelector(`line.msg[data-index="${index}"]`);
        return !!l && Math.abs(Number(l.getAttribute("x2")) - Number(l.getAttribute("x1"))) > w * 1.5;
      },
      [middle.index, Math.abs(middle.x2 - middle.x1)] as const,
    );
    const box = (await page.locator("#diagram").boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + 60);
    await page.mouse.wheel(0, 600); // zoom back out around the pointer
    await page.click("#reset");
    await page.waitForFunction(() => document.querySelectorAll("line.msg").length === 4);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("draws collective bands and marks of a run with allreduce", async () => {
    const dir = path.join(work, "random");
    const run = await runTsrun(3, "test/runtime/programs/diag-random.ts", {
      tsrunArgs: ["--trace", dir],
      programArgs: ["16"],
    });
    expect(run.code, run.stderr).toBe(0);
    const view = await runCommand(process.execPath, [tsrunBin, "view", dir]);
    expect(view.code, view.stderr).toBe(0);
    const { page, errors } = await openPage(`file://${path.join(dir, "trace.html")}`);
    await page.waitForSelector("body[data-ready=true]");
    expect(await page.locator("rect.coll[data-name=allreduce]").count()).toBe(2);
    expect(await page.locator("path.mark").count()).toBe(2 * 3);
    const userArrows = await page.locator("line.msg:not(.coll-msg)").count();
    expect(userArrows).toBe(16 * 3);
    await page.uncheck("#show-coll");
    await page.waitForFunction((n) => document.querySelectorAll("line.msg").length === n, userArrows);
    await page.selectOption("#axis", "causal");
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll("line.msg")).every(
        (l) => Number(l.getAttribute("x2")) > Number(l.getAttribute("x1")),
      ),
    );
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe.skipIf(!canRun)("tsrun --live", () => {
  it("shows a running job's states and counts, live, behind a token", async () => {
    const child = spawn(
      process.execPath,
      [tsrunBin, "-np", "2", "--live", path.join(projectRoot, "test/runtime/programs/diag-live.ts"), "40"],
      {
        cwd: work,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    children.push(child);
    let stderr = "";
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      const guard = setTimeout(() => reject(new Error(`no live URL printed: ${stderr}`)), 60_000);
      child.stderr!.setEncoding("utf8").on("data", (d: string) => {
        stderr += d;
        const m = /live view at (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(stderr);
        if (m) {
          clearTimeout(guard);
          resolve(m[1]);
        }
      });
    });
    child.stdout!.resume();
    const refused = await new Promise<number>((resolve) =>
      http.get(url.replace(/\?token=.*/, "?token=wrong"), (res) => (res.resume(), resolve(res.statusCode ?? 0))),
    );
    expect(refused).toBe(403);

    const { page, errors } = await openPage(url);
    const row0 = page.locator('tr[data-rank="0"]');
    // Rank 0 waits for rank 1 most of the time: the page says in what, and at which line.
    await page.waitForFunction(
      () =>
        /^blocked in recv\(source=1, tag=0\) at \S*diag-live\.ts:8:\d+$/.test(
          document.querySelector('tr[data-rank="0"] .state')?.textContent ?? "",
        ),
      undefined,
      { timeout: 30_000 },
    );
    expect(await row0.getAttribute("data-status")).toMatch(/blocked|running/);
    const count = async () => Number(await row0.locator(".received").textContent());
    await page.waitForFunction(
      () => Number(document.querySelector('tr[data-rank="0"] .received')?.textContent) > 0,
      undefined,
      { timeout: 30_000 },
    );
    const first = await count();
    await page.waitForFunction(
      (n) => Number(document.querySelector('tr[data-rank="0"] .received')?.textContent) > n,
      first,
      { timeout: 30_000 },
    );
    expect(await count()).toBeGreaterThan(first);
    await page.waitForSelector("body[data-ended='0']", { timeout: 60_000 });
    expect(await page.locator("#status").textContent()).toBe("job ended with exit code 0");
    expect(await exited).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
