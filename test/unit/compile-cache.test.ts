// V8's code cache for the ranks (launcher/bundle.ts compileCacheEnv): on Node 22.1+ ranks get
// NODE_COMPILE_CACHE pointing at tsmpi/v8 beside the bundle cache, private (0700) and checked like it; on
// Node 20 (no cache for ES modules) and when the user chose a directory, the environment is left alone;
// a cache base another user could write in is refused, and ranks then simply compile as before.
import { afterEach, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { compileCacheEnv } from "../../launcher/bundle.ts";

const made: string[] = [];
afterEach(() => made.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const base = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "tsmpi-cc-"));
  made.push(d);
  return d;
};

describe("compile cache for the ranks", () => {
  it("points Node 22.1+ at a private tsmpi/v8 directory beside the bundles", () => {
    const xdg = base();
    const env = compileCacheEnv({ XDG_CACHE_HOME: xdg, KEEP: "1" }, "22.1.0");
    expect(env.NODE_COMPILE_CACHE).toBe(path.join(xdg, "tsmpi", "v8"));
    expect(env.KEEP).toBe("1");
    expect(fs.statSync(env.NODE_COMPILE_CACHE!).mode & 0o777).toBe(0o700);
  });

  it("leaves Node 20 and 22.0, and a directory the user chose, alone", () => {
    const xdg = base();
    expect(compileCacheEnv({ XDG_CACHE_HOME: xdg }, "20.20.2").NODE_COMPILE_CACHE).toBeUndefined();
    expect(compileCacheEnv({ XDG_CACHE_HOME: xdg }, "22.0.0").NODE_COMPILE_CACHE).toBeUndefined();
    expect(compileCacheEnv({ XDG_CACHE_HOME: xdg, NODE_COMPILE_CACHE: "/mine" }, "24.0.0").NODE_COMPILE_CACHE).toBe(
      "/mine",
    );
    expect(fs.existsSync(path.join(xdg, "tsmpi", "v8"))).toBe(false);
  });

  it("does not use a cache base others may write in", () => {
    const xdg = base();
    fs.chmodSync(xdg, 0o777);
    expect(compileCacheEnv({ XDG_CACHE_HOME: xdg }, "23.0.0").NODE_COMPILE_CACHE).toBeUndefined();
  });
});
