// Grader for exercise 5 (lab book part 1, "Exclusion mutuelle II"): a launcher starts N daemons over SSH
// on a machine list, they build a ring, a message gathers every member, then a single token gives mutual
// exclusion on a shared file. For each N (the number of hosts, then more daemons than hosts: several per
// host) it runs the launcher, then once more with `--chain` (each daemon starts the next one, anonymous
// members, the last one starts the gather message and prints it; N = hosts + 1), and checks: the GATHERED
// line lists N distinct daemons (on the listed hosts where they have their own host names); the shared
// file's blocks of lines never interleave and every daemon wrote all its rounds; no process of the job is
// left on any host, whatever happened. Also: a machine list with an unknown host and a refused port fails
// with one line naming them.
// Hosts (lib/ring-hosts.ts): TSMPI_GRADE_HOSTFILE (+ TSMPI_GRADE_SSH_KEY, TSMPI_GRADE_KNOWN_HOSTS,
// TSMPI_GRADE_SHARED_DIR: a directory every host sees) or the same as options; without them the grader
// brings up the project's SSH test hosts (test/hosts/testhosts.sh) and tears them down at the end. Class
// grading gives it `sshHosts` hosts inside the job's sandbox instead (class/ssh-hosts.ts).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { upTestHosts } from "../../launcher/testhosts.ts";
import { expect, fail, type GradeOptions, type Grader } from "../lib/grader.ts";
import { type Proc, Procs, programPids, programsFor, readWrittenFile, tempDir } from "./lib/procs.ts";
import { givenHosts, leftovers, type HostOptions, type Hosts } from "./lib/ring-hosts.ts";

export interface RingSshOptions extends GradeOptions, HostOptions {
  /** A directory at the same path on every host (the shared file goes there). */
  sharedDir?: string;
  /** N for the `--chain` runs (default: one more daemon than hosts; [] for none). */
  chainNp?: number[];
}

/** Blocks of the shared file in order; fails at the first line written by a daemon not in the critical section. */
function sections(file: string): string[] {
  // written by the student's daemons: never read through a link they could have left there
  const lines = readWrittenFile(file).split("\n").filter(Boolean);
  const order: string[] = [];
  lines.forEach((text, i) => {
    const m =
      /^(\S+) round (\d+) line (\d+)\/(\d+)/.exec(text) ??
      fail(`a line "${text}" in the shared file`, 'lines "<name> round <r> line <i>/<n>"');
    const prev = /^(\S+) round (\d+) line (\d+)\/(\d+)/.exec(lines[i - 1] ?? "");
    const continues = prev && prev[1] === m[1] && prev[2] === m[2] && Number(prev[3]) + 1 === Number(m[3]);
    if (m[3] === "1" ? prev && prev[3] !== prev[4] : !continues) {
      fail(
        `line ${i + 1} "${text}" follows "${lines[i - 1] ?? "(start of file)"}"`,
        `the ${m[4]} lines of one critical section together`,
        "two daemons wrote at the same time: write only while holding the token, and pass it on after the last line",
      );
    }
    if (m[3] === "1") order.push(`${m[1]}#${m[2]}`);
  });
  return order;
}

/** Checks the GATHERED line: n distinct daemons besides the launcher, on the listed hosts. */
function checkGathered(line: string, launcher: Proc, n: number, hosts: Hosts, chain: boolean): string {
  const listed = [...line.matchAll(/(\S+)@([^\s:]+):(\d+)/g)].map((m) => ({
    name: m[1],
    host: m[2],
    pid: Number(m[3]),
  }));
  // the launcher: its pid as it sees itself (in a sandbox's PID namespace too) on this machine; a daemon
  // elsewhere may have the same pid in its own namespace, never the same host name
  const launcherPids = programPids(launcher);
  const isLauncher = (m: { host: string; pid: number }) => launcherPids.has(m.pid) && m.host === os.hostname();
  const members = listed.filter((m) => !isLauncher(m));
  const shown = members.map((m) => `${m.name}@${m.host}`).join(", ");
  const hint = chain
    ? "in a chain, the last daemon starts the message and each member appends its name and passes it on, the launcher included, until it is back at the last one"
    : "the ring must go through every daemon: each one's successor is the next one, the last one's is the launcher";
  expect(
    members.length === n,
    `GATHERED lists ${members.length} daemon${members.length === 1 ? "" : "s"} (${shown})`,
    `${n}, every daemon once`,
    hint,
  );
  if (chain) {
    expect(
      listed.length === n + 1 && !isLauncher(listed[0]),
      `GATHERED lists ${listed.map((m) => `${m.name}@${m.host}`).join(", ")}`,
      "a daemon first (the last one started the message), and the launcher among the members",
      hint,
    );
  }
  const pids = new Set(members.map((m) => `${m.host}:${m.pid}`));
  expect(pids.size === n, `${pids.size} distinct host:pid among ${n} members (${shown})`, `${n} different processes`);
  if (hosts.ownHostnames) {
    const listed = hosts.entries.map((e) => e.host);
    const stranger = members.find((m) => !listed.includes(m.host));
    if (stranger)
      fail(
        `${stranger.name} ran on "${stranger.host}"`,
        `a host of the list (${listed.join(", ")})`,
        "start the daemons over SSH on the listed machines",
      );
    const unused = listed.slice(0, n).filter((h) => !members.some((m) => m.host === h));
    if (unused.length)
      fail(
        `no daemon on ${unused.join(", ")}`,
        `daemons on every machine of the list (${n} daemons, ${listed.length} machines)`,
      );
  }
  return `${n} daemons on ${new Set(members.map((m) => m.host)).size} hosts`;
}

export const ringSshGrader: Grader = {
  id: "5",
  title: "ring of daemons started over SSH, gathered members, token mutual exclusion",
  reference: ["exercises/sockets/ring-ssh.ts", "exercises/sockets/ring-daemon.ts"],
  sshHosts: 3,
  async run(checker, options: RingSshOptions) {
    const [launcherFile, daemonFile] = programsFor(this, options);
    let hosts = givenHosts(options);
    const up = await checker.check(
      hosts ? `SSH hosts from ${hosts.hostfile}` : "SSH test hosts come up (test/hosts/testhosts.sh)",
      async () => {
        if (hosts) return `${hosts.entries.length} hosts`;
        const test = await upTestHosts(this.sshHosts ?? 3).catch((e: Error) =>
          fail(
            e.message.split("\n")[0],
            `${this.sshHosts ?? 3} SSH test hosts`,
            "or give TSMPI_GRADE_HOSTFILE (+ TSMPI_GRADE_SSH_KEY, TSMPI_GRADE_KNOWN_HOSTS)",
          ),
        );
        hosts = { ...givenHosts({ hostfile: test.hostfile })!, down: () => test.down() };
        return `${test.mode} mode`;
      },
    );
    if (!up || !hosts) return;
    const h: Hosts = hosts;
    const shared = options.sharedDir ?? process.env.TSMPI_GRADE_SHARED_DIR;
    const dir = tempDir("ring", shared);
    const env = h.testDir ? { SSH_AUTH_SOCK: "" } : {};
    const [rounds, lines] = [2, 3];
    try {
      const runs = [
        ...(options.np ?? [h.entries.length, 2 * h.entries.length + 1]).map((n) => ({ n, chain: false })),
        ...(options.chainNp ?? [h.entries.length + 1]).map((n) => ({ n, chain: true })),
      ];
      for (const { n, chain } of runs) {
        const procs = new Procs();
        const file = path.join(dir, `shared-${n}${chain ? "-chain" : ""}.txt`);
        const mode = chain ? " as a chain (--chain)" : "";
        const launcher = procs.start(
          launcherFile,
          [
            "--hostfile",
            h.hostfile,
            "--np",
            n,
            ...(chain ? ["--chain"] : []),
            "--daemon",
            daemonFile,
            "--file",
            file,
            "--rounds",
            rounds,
            "--lines",
            lines,
            "--line-delay-ms",
            15,
            ...h.sshArgs,
          ],
          "ring-ssh",
          { env },
        );
        let jobId: string | undefined;
        try {
          const ring = await checker.check(
            `N=${n} daemons on ${h.entries.length} hosts${mode}: the ring closes and the gathered message lists every member`,
            async () => {
              const { line } = await launcher.waitFor(
                /GATHERED/,
                "the GATHERED line (the message back at the launcher)",
                60_000 + 5_000 * n,
              );
              jobId = /^JOB (\S+)/m.exec(launcher.stdout)?.[1];
              return checkGathered(line, launcher, n, h, chain);
            },
          );
          if (ring) {
            await checker.check(`N=${n}${mode}: the token gives mutual exclusion on the shared file`, async () => {
              const { code } = await launcher.waitExit("the launcher to finish the token rounds", 60_000 + 3_000 * n);
              expect(code === 0, launcher.describeExit(), "exit code 0 once every daemon has written its rounds");
              const order = sections(file);
              expect(
                order.length === n * rounds,
                `${order.length} critical sections in the shared file`,
                `${n * rounds} (${n} daemons × ${rounds} rounds)`,
                "every daemon enters the critical section once per round",
              );
              return `${order.length} critical sections, none overlapping`;
            });
          }
        } finally {
          launcher.signal("SIGTERM"); // a launcher still running is asked to stop its daemons, then killed
          await launcher.waitExit("the launcher to stop", 15_000).catch(() => {});
          await procs.stopAll();
        }
        jobId ??= /^JOB (\S+)/m.exec(launcher.stdout)?.[1];
        await checker.check(`N=${n}${mode}: no process of the job left on any host`, async () => {
          let left: string[];
          const deadline = Date.now() + 15_000;
          while ((left = await leftovers(h, jobId)).length > 0 && Date.now() < deadline)
            await new Promise((r) => setTimeout(r, 250));
          if (left.length) await leftovers(h, jobId, true); // the grader leaves nothing behind either
          expect(
            left.length === 0,
            `${left.length} left 15 s after the launcher ended: ${left.slice(0, 4).join("; ")}`,
            "none",
            "stop every daemon at the end, also when the launcher is interrupted (the launcher library's stopAll)",
          );
        });
      }
      await checker.check("an unknown host and a refused port: one line naming them, nothing started", async () => {
        const first = h.entries[0];
        const bad = path.join(dir, "bad-hosts");
        fs.writeFileSync(
          bad,
          `${first.user ? `${first.user}@` : ""}${first.host}${first.port ? ` port=${first.port}` : ""}\nnosuchhost.invalid\n${first.host} port=9\n`,
        );
        const procs = new Procs();
        try {
          const launcher = await procs.run(
            launcherFile,
            ["--hostfile", bad, "--daemon", daemonFile, "--file", path.join(dir, "bad.txt"), ...h.sshArgs],
            "ring-ssh",
            { env, timeoutMs: 40_000 },
          );
          const err = launcher.stderr.trim();
          expect(launcher.exit?.code !== 0, `exit code ${launcher.exit?.code}`, "a non-zero exit code");
          expect(
            !/^\s+at |node:internal/m.test(err),
            `a stack trace on stderr: "${err.split("\n")[0].slice(0, 120)}"`,
            "one clear line",
          );
          expect(
            /nosuchhost\.invalid/.test(err) && /\b9\b/.test(err),
            `stderr "${err.slice(0, 300)}"`,
            "a message naming nosuchhost.invalid and the refused port 9",
            "report the launcher library's SshError message",
          );
          const left = await leftovers(h, /^JOB (\S+)/m.exec(launcher.stdout)?.[1]);
          expect(
            left.length === 0,
            `${left.length} processes started anyway: ${left.slice(0, 3).join("; ")}`,
            "none: connect to every host before starting anything",
          );
        } finally {
          await procs.stopAll();
        }
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await h.down();
    }
  },
};
