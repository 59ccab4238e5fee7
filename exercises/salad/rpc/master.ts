// Salad exercise S2, the master (handout handouts/S2.md): an RPC service exposing
// give_task and receive_result, and nothing else. Workers (worker.ts, separate processes) ask for a fruit,
// prepare it and hand back the result; when every fruit is back the salad is ready and the master stops.
//
//   npx tsx exercises/salad/rpc/master.ts [--port 18861] [--host 127.0.0.1 (0.0.0.0: workers on other machines)] [--difficulty D]
//   --difficulty D (S5 exercise 8): the master mines a block for each result its workers return, prints each
//   `BLOCK …` line and, once the salad is ready, `CHAIN VALID <n> blocks`. [--time-scale X]
//
// Output: `LISTENING <port>` once workers may connect, `GIVEN <id> <fruit> to <worker>`,
// `PREPARED <id> <fruit> by <worker>` per result, `REFUSED <name>` per unexposed call, then `TOTAL <units>`.
import { hostOption, checkHost, reachableHost, loopbackNote } from "../listen-host.ts";
import { parseArgs } from "node:util";
import { isMainModule, preparedLine, saladTasks, timeScale, totalLine, type Task } from "../fruits.ts";
import { serveRpc, type RpcServer, type ServeOptions } from "./rpc.ts";
import { Chain, blockLine, verdictLine } from "../blockchain-algorithm.ts";

/** The master's state; only the `exposed_` methods can be called over the network. */
export class MasterService {
  private readonly tasksToDo: Task[];
  private readonly tasksBeingDone = new Map<number, { task: Task; worker: string }>();
  private startedAt: number | undefined;

  constructor(
    tasks: Task[],
    private readonly log: (line: string) => void,
    private readonly onReady: (elapsedMs: number) => void,
    /** S5 exercise 8 (--difficulty D): a block mined for each result, the chain printed and checked at the end. */
    private readonly chain?: Chain,
  ) {
    this.tasksToDo = [...tasks];
  }

  /** A worker asks for work: one task, or null when nothing is left to hand out. */
  exposed_give_task(worker: string): Task | null {
    // SOLUTION BEGIN: hand out one task still to do (or null when none is left), remember it as being prepared by `worker`, log "GIVEN ID FRUIT to WORKER"
    // STARTER: return null;
    this.startedAt ??= performance.now();
    const task = this.tasksToDo.pop();
    if (!task) return null;
    this.tasksBeingDone.set(task.id, { task, worker: String(worker) });
    this.log(`GIVEN ${task.id} ${task.fruit} to ${worker}`);
    return task;
    // SOLUTION END
  }

  /** A worker hands back a prepared fruit. Throws (the caller gets the message) for a task nobody holds. */
  exposed_receive_result(worker: string, task: Task, result: string): boolean {
    // SOLUTION BEGIN: accept a prepared task only if it is being prepared (throw otherwise), log its two lines, call onReady when every task is back
    // STARTER: return false;
    const held = this.tasksBeingDone.get(task?.id);
    if (!held) throw new Error(`task ${task?.id} is not being prepared: it was never given out or is already back`);
    this.tasksBeingDone.delete(task.id);
    this.log(`1 ${held.task.fruit} préparée reçue de ${worker} (${result})`);
    this.log(preparedLine(held.task, String(worker)));
    if (this.chain) {
      const { block, attempts } = this.chain.add(
        JSON.stringify({ task: held.task.id, fruit: held.task.fruit, by: String(worker), result }),
      );
      this.log(blockLine(this.chain.blocks.length - 1, block, attempts));
      if (this.isDone()) this.log(verdictLine(this.chain.verify(), this.chain.blocks.length));
    }
    if (this.isDone()) this.onReady(performance.now() - (this.startedAt ?? performance.now()));
    return true;
    // SOLUTION END
  }

  /** Not exposed: a worker calling it is refused. */
  isDone(): boolean {
    return this.tasksToDo.length === 0 && this.tasksBeingDone.size === 0;
  }
}

export interface MasterParts {
  /** The service to expose (default: MasterService). */
  makeService?: (tasks: Task[], log: (line: string) => void, onReady: (elapsedMs: number) => void) => object;
  /** The RPC server (default: serveRpc from rpc.ts). */
  serve?: (service: object, options: ServeOptions) => Promise<RpcServer>;
}

/** The master program: parses its options, serves the salad, stops when it is ready. */
export async function runMaster(argv: string[], parts: MasterParts = {}): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string", default: "18861" },
      ...hostOption,
      "time-scale": { type: "string" },
      difficulty: { type: "string" },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0..65535, got "${values.port}"`);
  const host = checkHost(values.host!);
  const scale = timeScale(values["time-scale"]);
  const log = (line: string) => console.log(line);
  let stop: (elapsedMs: number) => void = () => {};
  const difficulty = values.difficulty === undefined ? undefined : Number(values.difficulty);
  if (difficulty !== undefined && !(Number.isInteger(difficulty) && difficulty >= 0 && difficulty <= 6))
    throw new Error(`--difficulty must be a whole number from 0 to 6, got "${values.difficulty}"`);
  const chain = difficulty === undefined ? undefined : new Chain(difficulty);
  const makeService = parts.makeService ?? ((tasks, log, onReady) => new MasterService(tasks, log, onReady, chain));
  const service = makeService(saladTasks(), log, (ms) => stop(ms));
  const server = await (parts.serve ?? serveRpc)(service, {
    host,
    port,
    onRefused: (name) => log(`REFUSED ${name}`),
  }).catch((err: NodeJS.ErrnoException) => {
    throw new Error(
      `cannot listen on ${host}:${port}: ${err.code ?? err.message}${err.code === "EADDRINUSE" ? ". Another master is running there? Try --port 0" : ""}`,
    );
  });
  stop = (ms) => {
    log("\nLa salade est prête ! Bonne dégustation !");
    log(`Temps de préparation : ${(ms / 1000 / scale).toFixed(1)} unités`);
    log(totalLine(ms, scale));
    void server.close(1000, "salad ready");
  };
  log(`Le maître est accessible à ws://${reachableHost(host)}:${server.port}.`);
  const note = loopbackNote(host);
  if (note) log(note);
  log(`LISTENING ${server.port}`);
}

if (isMainModule(import.meta.url)) {
  runMaster(process.argv.slice(2)).catch((err: Error) => {
    console.error(`master: ${err.message.replace(/\s*\n\s*/g, " ")}`);
    process.exit(1);
  });
}
