// System requirements of a test file: a test that needs a Debian package (chromium, sshd, Slurm,
// bubblewrap, mosquitto, mpi4py, a second Unix user…) asks for it here. When it is missing the file's
// tests skip with one line naming the package and its install command; with TSMPI_REQUIRE_ALL=1 (set by
// .ci/run) a missing requirement fails instead, so CI always runs everything.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

export interface Requirement {
  /** What is needed, as a person would say it ("chromium", "root", "sshd"). */
  what: string;
  /** The command that installs it ("apt-get install -y chromium"). */
  install: string;
  present: boolean;
}

/** True when `cmd` is on the PATH or is an existing absolute path. */
export function hasCommand(cmd: string): boolean {
  if (cmd.startsWith("/")) return existsSync(cmd);
  try {
    execFileSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export function requirement(what: string, install: string, probe: () => boolean): Requirement {
  let present = false;
  try {
    present = probe();
  } catch {
    present = false;
  }
  return { what, install, present };
}

/** A requirement met by a command on the PATH (or an absolute path). */
export function commandRequirement(cmd: string, install: string, what = cmd): Requirement {
  return requirement(what, install, () => hasCommand(cmd));
}

export const isRoot = (): boolean => process.getuid?.() === 0;
export const rootRequirement = requirement("root", "run the tests as root (as .ci/run does)", isRoot);

/**
 * Whether the file's tests can run. Prints one skip line per missing requirement, or throws under
 * TSMPI_REQUIRE_ALL=1. Use as `describe.skipIf(!ready(reqA, reqB))("…", () => …)`.
 */
export function ready(...reqs: Requirement[]): boolean {
  const missing = reqs.filter((r) => !r.present);
  if (missing.length === 0) return true;
  const text = missing.map((r) => `${r.what} (${r.install})`).join(", ");
  if (process.env.TSMPI_REQUIRE_ALL === "1") {
    throw new Error(`missing requirement: ${text}; TSMPI_REQUIRE_ALL=1 turns this skip into a failure`);
  }
  console.log(`skip: needs ${text}`);
  return false;
}
