// Where the `--spawn N` modes of exercises 6, 7 and 8 start their processes: on this machine (default, as
// child processes, common/spawn.ts), or with `--hostfile FILE` on the listed machines over SSH through the
// project's launcher library, as exercise 5 does (process i on machine i mod M; the same program path on
// every machine, e.g. on NFS). Each process is told the addresses of the others; over SSH it listens on
// every interface so processes on other machines can reach it. Output lines come back prefixed
// `[label host]`; Ctrl-C or a failing process stops them all, and whatever is left is stopped over SSH.
import * as dns from "node:dns/promises";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  parseHostfile,
  startOnHosts,
  localAddressTowards,
  HostfileError,
  type HostEntry,
  type HostJob,
} from "tsmpi/launcher";
import { die } from "./cli.ts";
import { spawnMembers, type Member } from "./spawn.ts";

/** yargs options of the SSH mode (add with `.options(MACHINE_OPTIONS)`). */
export const MACHINE_OPTIONS = {
  hostfile: {
    type: "string",
    describe: "with --spawn: start the processes on these machines over SSH (process i on machine i mod M)",
  },
  "ssh-key": { type: "string", describe: "private key for SSH (default: agent, ~/.ssh/id_*)" },
  "known-hosts": { type: "string", describe: "known_hosts file (default: ~/.ssh/known_hosts)" },
  "accept-new-hosts": { type: "boolean", default: false, describe: "add unknown host keys to known_hosts" },
} as const;

export interface MachineArgs {
  hostfile?: string;
  "ssh-key"?: string;
  "known-hosts"?: string;
  "accept-new-hosts"?: boolean;
}

export interface Machines {
  /** Address at which process i can be reached by the others. */
  addressOf(i: number): string;
  /** Address of this machine as machine of process i sees it (for processes that call back a launcher). */
  launcherAddressFor(i: number): string;
  /** Address each process listens on. */
  bind: string;
  /** Starts every member (member i on machine i mod M); resolves 0 when all exit cleanly, 1 otherwise. */
  run(defaultProgram: string, members: Member[]): Promise<number>;
}

const LOCAL: Machines = {
  addressOf: () => "127.0.0.1",
  launcherAddressFor: () => "127.0.0.1",
  bind: "127.0.0.1",
  run: spawnMembers,
};

/** The machines of a `--spawn` run: this one, or those of --hostfile (names resolved once, here). */
export async function machinesFor(program: string, argv: MachineArgs): Promise<Machines> {
  if (!argv.hostfile) return LOCAL;
  if (!fs.existsSync(argv.hostfile)) die(program, `--hostfile ${argv.hostfile}: no such file`, 2);
  let hosts: HostEntry[];
  try {
    hosts = parseHostfile(fs.readFileSync(argv.hostfile, "utf8"), argv.hostfile);
  } catch (error) {
    if (error instanceof HostfileError) die(program, error.message, 2);
    throw error;
  }
  if (hosts.length === 0) die(program, `--hostfile ${argv.hostfile} lists no machine`, 2);
  const addresses = await Promise.all(
    hosts.map(async (h) => {
      try {
        return (await dns.lookup(h.host)).address;
      } catch {
        return die(program, `cannot resolve machine ${h.host} of ${argv.hostfile}`, 2);
      }
    }),
  );
  const here = await Promise.all(addresses.map(localAddressTowards));
  return {
    addressOf: (i) => addresses[i % hosts.length],
    launcherAddressFor: (i) => here[i % hosts.length],
    bind: "0.0.0.0",
    run: (defaultProgram, members) => runOverSsh(program, argv, hosts, defaultProgram, members),
  };
}

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

async function runOverSsh(
  program: string,
  argv: MachineArgs,
  hosts: HostEntry[],
  defaultProgram: string,
  members: Member[],
): Promise<number> {
  const placement = members.map((_, i) => hosts[i % hosts.length]);
  let job: HostJob;
  try {
    job = await startOnHosts(
      placement,
      (_, i) => ({
        command: [
          process.execPath,
          ...process.execArgv,
          path.resolve(members[i].program ?? defaultProgram),
          ...members[i].args,
        ]
          .map(quote)
          .join(" "),
        cwd: process.cwd(),
      }),
      {
        keyFile: argv["ssh-key"],
        knownHostsFiles: argv["known-hosts"] ? [argv["known-hosts"]] : undefined,
        acceptNewHosts: argv["accept-new-hosts"],
        onLine: ({ index, stream, text }) =>
          (stream === "stdout" ? process.stdout : process.stderr).write(`[${members[index].label}] ${text}\n`),
      },
    );
  } catch (error) {
    return die(program, (error as Error).message); // one line per machine that failed, naming it and the cause
  }
  members.forEach((m, i) => console.log(`SPAWNED ${m.label} on ${job.handles[i].host}`));
  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    void job.stopAll().then(() => process.exit(code));
  };
  process.on("SIGINT", () => stop(130));
  process.on("SIGTERM", () => stop(143));
  let worst = 0;
  job.handles.forEach(
    (handle, i) =>
      void handle.exited.then((exit) => {
        if (exit.code === 0 || stopping) return;
        console.error(
          `[${members[i].label}] stopped on ${handle.host} (${exit.signal ?? `exit code ${exit.code}`}); stopping the others`,
        );
        worst = 1;
        for (const h of job.handles) h.stop();
      }),
  );
  await job.exited;
  if (stopping) return new Promise<number>(() => {}); // stop() exits with the signal's code once all is stopped
  await job.close();
  return worst;
}
