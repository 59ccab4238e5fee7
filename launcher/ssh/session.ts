// An open SSH connection to one host (connection.ts opens it), as the launcher uses it: exec a command as a
// RemoteProcess (stdin, stdout, stderr, how it exited or that the connection was lost), copy the program's
// files to the same paths on the host unless already there, and close; `closed` tells a lost connection
// from one closed on purpose.
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Readable, Writable } from "node:stream";
import type ssh2 from "ssh2";
import type { ClientChannel } from "ssh2";
import type { ResolvedTarget } from "./config.ts";
import { SshError } from "./errors.ts";

export interface RemoteExit {
  code: number | null;
  signal: string | null;
  lost?: boolean;
}

export interface RemoteProcess {
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
  exited: Promise<RemoteExit>;
  close(): void;
}

export interface SshConnection {
  target: ResolvedTarget;
  label: string;
  exec(command: string, options?: { pty?: boolean }): Promise<RemoteProcess>;
  /** Copies local files to the same paths on the host unless a file of the same size is there. */
  ensureFiles(paths: string[]): Promise<number>;
  closed: Promise<SshError | null>;
  close(): Promise<void>;
}

/** A command running on the host, over its channel. */
function wrapChannel(channel: ClientChannel): RemoteProcess {
  let exit: RemoteExit | undefined;
  channel.on("exit", (code: number | null, signal?: string) => {
    exit = typeof code === "number" ? { code, signal: null } : { code: null, signal: signal ?? null };
  });
  const exited = new Promise<RemoteExit>((resolve) => {
    channel.on("close", () => resolve(exit ?? { code: null, signal: null, lost: true }));
  });
  channel.on("error", () => undefined); // surfaces as exited.lost
  return { stdin: channel, stdout: channel, stderr: channel.stderr, exited, close: () => channel.close() };
}

/** The SshConnection over an authenticated client. */
export function makeConnection(client: ssh2.Client, target: ResolvedTarget, label: string): SshConnection {
  let closing = false;
  let lastError: Error | undefined;
  client.on("error", (err) => {
    lastError = err;
  });
  const closed = new Promise<SshError | null>((resolve) => {
    client.on("close", () =>
      resolve(
        closing
          ? null
          : new SshError(
              target.alias,
              "lost",
              `ssh to ${label}: connection lost${lastError ? ` (${lastError.message})` : ""}`,
            ),
      ),
    );
  });
  return {
    target,
    label,
    closed,
    exec(command, options = {}) {
      return new Promise((resolve, reject) => {
        const refused = (err: Error) =>
          new SshError(target.alias, "exec", `ssh to ${label}: cannot run a command: ${err.message}`);
        try {
          client.exec(command, options.pty ? { pty: true } : {}, (err, channel) => {
            if (err) reject(refused(err));
            else resolve(wrapChannel(channel));
          });
        } catch (err) {
          reject(refused(err as Error)); // the connection is already closed
        }
      });
    },
    ensureFiles(paths) {
      return copyMissing(client, paths, label, target.alias);
    },
    async close() {
      closing = true;
      client.end();
      await closed;
    },
  };
}

/** Puts each local file at the same absolute path on the host (over exec: no SFTP subsystem needed),
 *  unless a file with the same SHA-256 is already there; returns how many were copied. The temporary name
 *  is random and created with noclobber, so nothing another user put beside it is written through. */
async function copyMissing(client: ssh2.Client, paths: string[], label: string, alias: string): Promise<number> {
  const run = (command: string, input?: Buffer) =>
    new Promise<string>((resolve, reject) => {
      client.exec(command, (err, channel) => {
        if (err) return reject(err);
        let out = "";
        channel.on("data", (d: Buffer) => (out += d));
        channel.stderr.on("data", () => {});
        channel.on("close", (code: number | null) =>
          code === 0 ? resolve(out) : reject(new Error(`${command.split(" ")[0]} exited ${code}`)),
        );
        channel.end(input);
      });
    });
  const quote = (t: string) => `'${t.replace(/'/g, `'\\''`)}'`;
  let copied = 0;
  try {
    for (const p of paths) {
      const content = fs.readFileSync(p);
      const remoteHash = (await run(`sha256sum -- ${quote(p)} 2>/dev/null || echo -`)).trim().split(/\s+/)[0];
      if (remoteHash === createHash("sha256").update(content).digest("hex")) continue;
      const tmp = `${p}.${randomBytes(8).toString("hex")}.tmp`;
      await run(
        `umask 077 && mkdir -p -- ${quote(path.dirname(p))} && set -C && cat > ${quote(tmp)} && mv -f -- ${quote(tmp)} ${quote(p)}`,
        content,
      );
      copied++;
    }
    return copied;
  } catch (e) {
    throw new SshError(alias, "exec", `ssh to ${label}: cannot copy the program to the host: ${(e as Error).message}`);
  }
}
