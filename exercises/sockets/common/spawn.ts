// The small launcher used by the `--spawn` modes of exercises 6, 7 and 8 (lab book part 1): it starts
// the processes of one run on this machine as real child processes (the handout starts them over SSH;
// exercise 5 shows that), prefixes every output line with the member's label, and stops them all on
// Ctrl-C or when the first one fails.
import { spawn, type ChildProcess } from "node:child_process";

export interface Member {
  label: string;
  args: string[];
  /** Program file to run; defaults to the launching program itself. */
  program?: string;
}

/** A TCP port that is free on 127.0.0.1 right now (the launcher's helper). */
export { freePort } from "tsmpi/launcher";

function prefixLines(child: ChildProcess, label: string): void {
  for (const [stream, sink] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ] as const) {
    let pending = "";
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) sink.write(`[${label}] ${line}\n`);
    });
    stream?.on("end", () => pending && sink.write(`[${label}] ${pending}\n`));
  }
}

/**
 * Starts every member with the same Node flags as this process (so `tsx` keeps working), prints
 * `SPAWNED <label> pid=<pid>` for each, and resolves with 0 when all exit cleanly, 1 otherwise.
 */
export function spawnMembers(defaultProgram: string, members: Member[]): Promise<number> {
  const children: ChildProcess[] = [];
  const stopAll = () => children.forEach((c) => c.exitCode === null && c.kill("SIGTERM"));
  process.on("SIGINT", () => (stopAll(), process.exit(130)));
  process.on("SIGTERM", () => (stopAll(), process.exit(143)));
  return new Promise((resolve) => {
    let running = members.length;
    let worst = 0;
    for (const member of members) {
      const child = spawn(process.execPath, [...process.execArgv, member.program ?? defaultProgram, ...member.args], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      children.push(child);
      console.log(`SPAWNED ${member.label} pid=${child.pid}`);
      prefixLines(child, member.label);
      child.on("exit", (code, signal) => {
        if (code !== 0 && signal !== "SIGTERM") {
          if (worst === 0)
            console.error(`[${member.label}] stopped (${signal ?? `exit code ${code}`}); stopping the others`);
          worst = 1;
          stopAll();
        }
        if (--running === 0) resolve(worst);
      });
    }
  });
}
