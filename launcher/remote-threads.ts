// `tsrun --transport shm --hostfile …`: the ranks placed on one host run as worker threads of one process
// there (launcher/thread-host.mjs --over-ssh), started over that host's SSH connection under the guard of
// launcher/ssh/hosts.ts like a rank process, and share one shared-memory segment; ranks of different hosts
// talk over TCP (runtime/transport/hybrid.ts). One SSH channel carries the whole host: the thread host
// reads the job's configuration, kill requests and rank 0's input as JSON lines on its stdin and prints
// every rank's lines tagged with the rank, then each rank's exit after its last line. Here those lines
// become one RankProcess per rank, so the job supervisor (job.ts) treats each thread as it treats a rank
// process: its own stdout and stderr, stdin for rank 0, an exit code, a kill that ends that rank only.
import { PassThrough } from "node:stream";
import { shellQuote, startGuarded } from "./ssh/hosts.ts";
import { remoteEnvironment, type RemoteHosts } from "./remote.ts";
import { splitVariables } from "./threads.ts";
import type { RankProcess, RankSpec } from "./local.ts";
import { Env, shmLayout } from "../runtime/wire/bootstrap.ts";

type Exit = { code: number | null; signal: NodeJS.Signals | null };

interface ThreadEnd {
  stdout: PassThrough;
  stderr: PassThrough;
  settle: (exit: Exit) => void;
  exited: Promise<Exit>;
}

/** A line the thread host printed: a rank's output line, or a report. */
export type HostLine =
  | { kind: "output"; rank: number; stream: "stdout" | "stderr"; text: string }
  | { kind: "report"; message: { t: string; rank?: number; code?: number | null; signal?: NodeJS.Signals | null } }
  | { kind: "other"; text: string };

/** Reads one line of the thread host's stdout ("o3 text", "e3 text", "c {json}"). */
export function parseHostLine(line: string): HostLine {
  const output = /^([oe])(\d+) ([\s\S]*)$/.exec(line);
  if (output)
    return {
      kind: "output",
      rank: Number(output[2]),
      stream: output[1] === "o" ? "stdout" : "stderr",
      text: output[3],
    };
  if (line.startsWith("c {")) {
    try {
      return { kind: "report", message: JSON.parse(line.slice(2)) };
    } catch {
      /* not one of ours */
    }
  }
  return { kind: "other", text: line };
}

/** Starts the ranks `specs` (all placed on host `hostIndex`) as threads of one process on that host. */
export async function spawnRemoteThreadRanks(
  hosts: RemoteHosts,
  hostIndex: number,
  specs: RankSpec[],
): Promise<RankProcess[]> {
  if (!hosts.threadHost) throw new Error("the thread host was not shipped to the hosts (shipBundle with threads)");
  const connection = hosts.connections[hostIndex];
  const ends = new Map<number, ThreadEnd>(specs.map((s) => [s.rank, threadEnd()]));
  const { env, rankEnv } = splitVariables(specs.map((s) => ({ ...remoteEnvironment(s), [Env.SECRET]: s.secret })));
  const words = [
    process.execPath,
    ...(specs[0].nodeArgs ?? []),
    "--enable-source-maps",
    hosts.threadHost,
    "--over-ssh",
  ];
  const handle = await startGuarded(
    connection,
    hostIndex,
    // The variables and the secret go in the configuration line below (on stdin), never on a command line.
    { command: `exec ${words.map(shellQuote).join(" ")}`, cwd: specs[0].cwd, privateDir: Env.SOCKET_DIR },
    {
      jobId: hosts.jobId,
      graceMs: 500,
      onLine: (line) => {
        if (line.stream === "stderr") return void process.stderr.write(`${line.text}\n`); // the thread host's own
        const parsed = parseHostLine(line.text);
        if (parsed.kind === "output") ends.get(parsed.rank)?.[parsed.stream].write(`${parsed.text}\n`);
        else if (parsed.kind === "report" && parsed.message.t === "exit") {
          const { rank, code, signal } = parsed.message;
          ends.get(rank ?? -1)?.settle({ code: code ?? null, signal: signal ?? null });
        } else if (parsed.kind === "other") process.stdout.write(`${parsed.text}\n`);
      },
    },
  );
  const send = (message: object) => handle.write(`${JSON.stringify(message)}\n`);
  send({
    t: "config",
    bundle: specs[0].bundle,
    args: specs[0].args,
    size: specs.length,
    ranks: specs.map((s) => s.rank),
    shmBytes: shmLayout(specs.length).totalBytes,
    env,
    rankEnv,
  });
  // The host process ended (or its connection was lost): every rank it had not reported ends with it.
  void handle.exited.then((exit) => {
    const code = exit.lost ? null : exit.code === 0 ? 1 : exit.code;
    const signal = (exit.signal as NodeJS.Signals | null) ?? (exit.lost ? ("SIGHUP" as const) : null);
    for (const end of ends.values()) end.settle({ code, signal });
  });
  return specs.map((spec) => {
    const end = ends.get(spec.rank)!;
    const stdin = spec.rank === 0 ? new PassThrough() : null;
    stdin?.on("data", (d: Buffer) => send({ t: "in", data: d.toString("base64") }));
    stdin?.on("end", () => send({ t: "in-end" }));
    return {
      rank: spec.rank,
      pid: -1, // the host process's pid there, which the rank reports itself (rendezvous)
      host: connection.label,
      stdout: end.stdout,
      stderr: end.stderr,
      stdin,
      exited: end.exited,
      kill: () => send({ t: "kill", rank: spec.rank }),
    };
  });
}

/** One rank's streams and exit; settling ends its streams (its last line came before its exit report). */
function threadEnd(): ThreadEnd {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let resolve!: (exit: Exit) => void;
  const exited = new Promise<Exit>((r) => (resolve = r));
  let settled = false;
  const settle = (exit: Exit) => {
    if (settled) return;
    settled = true;
    stdout.end();
    stderr.end();
    resolve(exit);
  };
  return { stdout, stderr, settle, exited };
}
