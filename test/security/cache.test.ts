// Finding 1: another user must not get code run as the victim through the bundle cache. The attacker
// plants a bundle where the old cache lived ($TMPDIR/tsrun-cache-<uid>), and prepares a shared
// XDG_CACHE_HOME with a world-writable or symlinked tsmpi/ directory: the victim's program runs untouched,
// or tsrun refuses the directory with a message. A cached bundle changed behind tsrun's back is rebuilt.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { createHash } from "node:crypto";
import { projectRoot, tsrunBin } from "../harness/run.ts";
import { ready } from "../harness/requires.ts";
import { ATTACKER, VICTIM, homeOf, runAs, twoUsers, uidOf } from "./users.ts";

const program = path.join(projectRoot, "test/security/programs/hello.ts");
const PLANTED = `console.log("PWNED: attacker code running as", process.getuid());`;

function tsrunAsVictim(env: Record<string, string> = {}) {
  return runAs(VICTIM, process.execPath, [tsrunBin, "-np", "2", program], { cwd: projectRoot, env });
}

describe.skipIf(!ready(twoUsers))("the bundle cache against another user", () => {
  let shared = ""; // made when the tests run: a skipped or listed file leaves nothing in /tmp
  const oldCache = `/tmp/tsrun-cache-${uidOf(VICTIM)}`;
  beforeAll(() => {
    shared = fs.mkdtempSync("/tmp/tsmpi-shared-cache-");
    fs.chmodSync(shared, 0o1777); // a shared place both users can write, as /tmp is
    fs.rmSync(oldCache, { recursive: true, force: true });
    fs.rmSync(path.join(homeOf(VICTIM), ".cache"), { recursive: true, force: true });
  });
  afterAll(() => {
    if (shared) fs.rmSync(shared, { recursive: true, force: true });
    fs.rmSync(oldCache, { recursive: true, force: true });
  });

  it("a bundle planted where the cache used to be is never run", async () => {
    // What the attacker could compute before: the cache name from the uid, the entry name from the paths.
    const key = createHash("sha256").update(program).update(projectRoot).digest("hex").slice(0, 20);
    const plant = `mkdir -m 777 ${oldCache} && printf '%s' '${PLANTED}' > ${oldCache}/${key}.mjs && echo '{"inputs":{}}' > ${oldCache}/${key}.mjs.json && chmod 666 ${oldCache}/*`;
    expect((await runAs(ATTACKER, "/bin/sh", ["-c", plant])).code).toBe(0);
    const r = await tsrunAsVictim();
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/PWNED/);
    expect(r.stdout).toMatch(/victim program rank 1 of 2/);
    const own = path.join(homeOf(VICTIM), ".cache/tsmpi/bundles");
    expect(fs.statSync(own).uid).toBe(uidOf(VICTIM));
    expect(fs.statSync(own).mode & 0o777).toBe(0o700);
  });

  for (const [what, plant, reason] of [
    [
      "a world-writable tsmpi/bundles",
      "mkdir -m 777 -p $D/tsmpi/bundles && chmod 777 $D/tsmpi",
      /refusing the bundle cache: .*tsmpi belongs to uid \d+, not to you/,
    ],
    [
      "a symlinked tsmpi/",
      "mkdir -m 777 -p $D/elsewhere/bundles && ln -s $D/elsewhere $D/tsmpi",
      /refusing the bundle cache: .*tsmpi is a symbolic link/,
    ],
  ] as const) {
    it(`tsrun refuses ${what} prepared by another user in a shared cache directory`, async () => {
      const dir = fs.mkdtempSync(path.join(shared, "xdg-"));
      fs.chmodSync(dir, 0o755);
      fs.chownSync(dir, uidOf(VICTIM), uidOf(VICTIM)); // the victim's own XDG_CACHE_HOME…
      fs.chmodSync(dir, 0o777); // …left open to others by mistake
      const r0 = await runAs(ATTACKER, "/bin/sh", ["-c", plant.replaceAll("$D", dir)]);
      expect(r0.code).toBe(0);
      const r = await tsrunAsVictim({ XDG_CACHE_HOME: dir });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/refusing the cache directory: .* has mode 777: others may write in it/);
      // With the base directory fixed, the attacker's tsmpi/ itself is refused.
      fs.chmodSync(dir, 0o755);
      const again = await tsrunAsVictim({ XDG_CACHE_HOME: dir });
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(reason);
      expect(again.stderr.trim().split("\n")).toHaveLength(1);
    });
  }

  it("a cached bundle changed behind tsrun's back (same size, same mtime) is rebuilt, not run", async () => {
    const first = await tsrunAsVictim();
    expect(first.code).toBe(0);
    const dir = path.join(homeOf(VICTIM), ".cache/tsmpi/bundles");
    const bundle = fs.readdirSync(dir).find((f) => f.endsWith(".mjs"))!;
    const file = path.join(dir, bundle);
    const before = fs.statSync(file);
    const text = fs.readFileSync(file, "utf8");
    const changed = text.replace("victim program rank", "PWNED! program rank");
    expect(changed.length).toBe(text.length);
    fs.writeFileSync(file, changed);
    fs.utimesSync(file, before.atime, before.mtime);
    const r = await tsrunAsVictim();
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/PWNED/);
    expect(r.stdout).toMatch(/victim program rank 0 of 2/);
  });
});
