// Starting a job's ranks as worker threads of one host process (`--transport shm`): the ranks share
// memory (runtime/transport/shm.ts) instead of talking over sockets. To the job supervisor each thread
// looks like a rank process: its own stdout and stderr, stdin for rank 0, an exit code, and a kill that
// ends that rank only (a terminated thread is reported as killed by SIGKILL).
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as net from "node:net";
import { fileURLToPath } from "node:url";
import type { Readable } from "node:stream";
import { Env, shmLayout } from "../runtime/wire/bootstrap.ts";
import { SpawnError, type RankProcess, type RankSpec } from "./local.ts";
import { compileCacheEnv, writeExclusive } from "./bundle.ts";

export const threadHostScript = path.join(path.dirname(fileURLToPath(import.meta.url)), "thread-host.mjs");

type Exit = { code: number | null; signal: NodeJS.Signals | null };

/**
 * A copy of the thread host beside `bundle` (in the bundle cache, named by its content), so that other hosts
 * get it where they get the bundle: the package may live elsewhere there, or not be installed at all.
 */
export function threadHostBeside(bundle: string): string {
  const source = fs.readFileSync(threadHostScript);
  const copy = path.join(
    path.dirname(bundle),
    `thread-host-${createHash("sha256").update(source).digest("hex").slice(0, 16)}.mjs`,
  );
  if (!fs.existsSync(copy) || !fs.readFileSync(copy).equals(source)) writeExclusive(copy, source);
  return copy;
}

/**
 * Why this job cannot run its ranks as threads, as tsrun's refusal says it; null when it can. A job that
 * only inherits TSMPI_TRANSPORT=shm (no --transport on its command line) runs on the default transport
 * instead, so the variable can be set once for every job.
 */
export function shmRefusal(o: { executable?: boolean; faultTolerant?: boolean }): string | null {
  if (o.executable)
    return "--transport shm runs TypeScript or JavaScript programs as threads, not executables; use the default transport";
  if (o.faultTolerant)
    return "--fault-tolerant needs ranks that are processes (a failed rank must not take the others' memory with it); use the default transport";
  return null;
}

/**
 * The variables every rank shares, and each rank's own (the bootstrap variables). A thread's environment is
 * an object in the host's memory, never in /proc/<pid>/environ: the job secret travels in it (over the
 * control pipe), not on a descriptor.
 */
function splitEnv(specs: RankSpec[]): { env: NodeJS.ProcessEnv; rankEnv: NodeJS.ProcessEnv[] } {
  return splitVariables(
    specs.map((s) => {
      const { [Env.SECRET_FD]: _fd, ...rest } = s.env;
      return s.secret === undefined ? rest : { ...rest, [Env.SECRET]: s.secret };
    }),
  );
}

/** The variables all of `envs` share with the same value, and what each has besides (or instead). */
export function splitVariables(envs: NodeJS.ProcessEnv[]): { env: NodeJS.ProcessEnv; rankEnv: NodeJS.ProcessEnv[] } {
  const env = { ...envs[0] };
  for (const e of envs) for (const k of Object.keys(env)) if (e[k] !== env[k]) delete env[k];
  const rankEnv = envs.map((e) => Object.fromEntries(Object.entries(e).filter(([k, v]) => env[k] !== v)));
  return { env, rankEnv };
}

export function spawnThreadRanks(specs: RankSpec[], host: string): Promise<RankProcess[]> {
  const size = specs.length;
  const pipes = Array.from({ length: 1 + 2 * size }, () => "pipe" as const);
  const child = spawn(process.execPath, [...(specs[0].nodeArgs ?? []), "--enable-source-maps", threadHostScript], {
    cwd: specs[0].cwd,
    env: compileCacheEnv(process.env), // V8's code cache on Node 22.1+, as for rank processes (bundle.ts)
    stdio: ["pipe", "inherit", "inherit", ...pipes],
    detached: true,
  });
  const control = child.stdio[3] as net.Socket;
  const exits = specs.map(() => {
    let settle!: (e: Exit) => void;
    return { promise: new Promise<Exit>((r) => (settle = r)), settle };
  });
  const settleAll = (e: Exit) => exits.forEach((x) => x.settle(e));
  child.on("exit", (code, signal) => settleAll({ code: signal ? null : code === 0 ? 1 : code, signal }));
  let buffered = "";
  control.setEncoding("utf8");
  control.on("error", () => {});
  return new Promise((resolve, reject) => {
    child.once("error", (err) => reject(new SpawnError(`cannot start the ranks' thread host: ${err.message}`)));
    control.on("data", (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const m = JSON.parse(buffered.slice(0, nl)) as { t: string; rank: number } & Exit;
        buffered = buffered.slice(nl + 1);
        if (m.t === "exit") exits[m.rank].settle({ code: m.code, signal: m.signal });
        else if (m.t === "started") resolve(specs.map((s) => rankOf(s)));
      }
    });
    const { env, rankEnv } = splitEnv(specs);
    const config = {
      t: "config",
      bundle: specs[0].bundle,
      args: specs[0].args,
      size,
      ranks: specs.map((s) => s.rank),
      shmBytes: shmLayout(size).totalBytes,
      env,
      rankEnv,
    };
    control.write(JSON.stringify(config) + "\n");
  });

  function rankOf(spec: RankSpec): RankProcess {
    return {
      rank: spec.rank,
      pid: child.pid!,
      host,
      stdout: child.stdio[4 + 2 * spec.rank] as Readable,
      stderr: child.stdio[5 + 2 * spec.rank] as Readable,
      stdin: spec.rank === 0 ? child.stdin : null,
      exited: exits[spec.rank].promise,
      kill() {
        if (!control.destroyed) control.write(JSON.stringify({ t: "kill", rank: spec.rank }) + "\n");
      },
    };
  }
}
