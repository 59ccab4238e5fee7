// A test file's temporary directory, made when the file loads: removed after the file's tests and, whatever
// ran, when the test process ends. A file whose tests are all skipped (a missing system package) or only
// listed (`vitest list`) runs no afterAll hook, and vitest ends its idle workers with SIGTERM, which skips
// 'exit' listeners: both used to leave directories in /tmp.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll } from "vitest";

const made: string[] = [];

function removeAll(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** On SIGTERM: clean up, then end as the signal would have (this listener is gone by then). */
function onTerm(): void {
  removeAll();
  process.kill(process.pid, "SIGTERM");
}

/** mkdtemp under the system's temporary directory, with `prefix`; removed at the latest when the process ends. */
export function scratchDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  if (!made.length) {
    process.once("exit", removeAll);
    process.once("SIGTERM", onTerm);
  }
  made.push(dir);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
