// System requirements of a test file: a test that needs a Debian package (chromium, sshd, Slurm,
// bubblewrap, mosquitto, mpi4py, a second Unix user…) asks for it here. When it is missing the file's
// tests skip with one line naming the package and its install command; with TSMPI_REQUIRE_ALL=1 (set by
// .ci/run) a missing requirement fails instead, so CI always runs everything. TSMPI_PRETEND_MISSING=a,b
// makes the requirements named a and b count as missing, to see a file's skip line on a machine that has
// them (test/harness/requires.test.ts does).
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

/** Names listed in TSMPI_PRETEND_MISSING (comma-separated). */
function pretendMissing(what: string): boolean {
  return (process.env.TSMPI_PRETEND_MISSING ?? "")
    .split(",")
    .map((s) => s.trim())
    .includes(what);
}

export function requirement(what: string, install: string, probe: () => boolean): Requirement {
  if (pretendMissing(what)) return { what, install, present: false };
  let present: boolean;
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

// The requirements of the suite's system-level tests (.ci/run installs every one of them).
/** Real OpenSSH hosts (test/hosts/testhosts.sh): sshd, ssh-keygen and ip, started as root. */
export const sshHostsRequirement = (): Requirement =>
  requirement(
    "sshd",
    "apt-get install -y openssh-server openssh-client iproute2, as root",
    () => isRoot() && ["/usr/sbin/sshd", "ssh-keygen", "ip"].every(hasCommand),
  );
export const sshKeygenRequirement = (): Requirement =>
  commandRequirement("ssh-keygen", "apt-get install -y openssh-client");
/** A throw-away Slurm cluster (test/slurm/cluster.sh), started as root. */
export const slurmRequirement = (): Requirement =>
  requirement(
    "slurm",
    "apt-get install -y slurmctld slurmd slurm-client munge, as root",
    () => isRoot() && ["munged", "mungekey", "slurmctld", "slurmd", "srun", "sinfo"].every(hasCommand),
  );
export const chromiumRequirement = (): Requirement =>
  commandRequirement(
    process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    "apt-get install -y chromium fonts-dejavu-core",
    "chromium",
  );
export const fingerRequirement = (): Requirement => commandRequirement("finger", "apt-get install -y finger");

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
