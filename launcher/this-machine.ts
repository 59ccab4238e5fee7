// Whether a hostfile entry names this machine: `localhost`, a loopback address, or this machine's own
// name (full or short). Such ranks start as local child processes, without SSH, as mpirun does; an entry
// with a user or a port (`alice@localhost`, `localhost port=2222`) asks for SSH and is left to it.
import * as os from "node:os";
import type { HostEntry } from "./hostfile.ts";

function ownNames(): Set<string> {
  const full = os.hostname().toLowerCase();
  return new Set(["localhost", "localhost.localdomain", "127.0.0.1", "::1", full, full.split(".")[0]]);
}

export function isThisMachine(entry: HostEntry): boolean {
  if (entry.user !== undefined || entry.port !== undefined) return false;
  const host = entry.host.toLowerCase();
  return ownNames().has(host);
}
