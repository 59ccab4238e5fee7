// This machine as one host of a multi-machine job: a hostfile line naming it (`localhost`, its hostname;
// see this-machine.ts) next to other hosts starts its ranks here without SSH, as mpirun does. It stands in
// for an SSH connection: the same guard (launcher/ssh/hosts.ts) runs as a local child process, so ranks here
// are started, stopped and reported exactly like remote ones, and listen on the address the other hosts
// reach this machine at.
import { spawn, type ChildProcess } from "node:child_process";
import * as os from "node:os";
import type { RemoteExit, RemoteProcess, SshConnection } from "./ssh/connection.ts";
import type { HostEntry } from "./hostfile.ts";

export function localConnection(entry: HostEntry): SshConnection {
  const children = new Set<ChildProcess>();
  let markClosed: (lost: null) => void = () => {};
  const closed = new Promise<null>((resolve) => (markClosed = resolve));
  return {
    target: { alias: entry.host, hostName: entry.host, port: 0, user: os.userInfo().username, identityFiles: [] },
    label: entry.host,
    async exec(command: string): Promise<RemoteProcess> {
      const child = spawn("/bin/sh", ["-c", command], { stdio: ["pipe", "pipe", "pipe"] });
      children.add(child);
      child.stdin.on("error", () => {}); // the guard has gone: its exit is reported below
      const exited = new Promise<RemoteExit>((resolve) => {
        child.on("error", () => resolve({ code: 127, signal: null }));
        child.on("close", (code, signal) => {
          children.delete(child);
          resolve({ code, signal });
        });
      });
      return { stdin: child.stdin, stdout: child.stdout, stderr: child.stderr, exited, close: () => child.stdin.end() };
    },
    async ensureFiles(): Promise<number> {
      return 0; // the bundle is already here
    },
    closed,
    async close(): Promise<void> {
      for (const child of children) child.stdin?.end(); // a guard whose input ends stops its rank
      markClosed(null);
    },
  };
}
