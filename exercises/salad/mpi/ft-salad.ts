// Exercise S6's program body (seed 002, "Alerte générale ! Une panne !"): options, the worker that may
// crash, and main. fault-tolerant.ts runs it with TimeoutMaster (mpi/timeout-master.ts: silence means dead),
// fault-tolerant-naive.ts with NaiveMaster (hangs), fault-tolerant-exact.ts with FaultTolerantMaster
// (mpi/ft-master.ts: the runtime's failure detector); the grader's broken variant runs it with a faulty master.
//
// Worker (the handout's slave_crash.py): ask for a task; on "wait", wait --wait units and ask again; prepare
// the fruit; then, if it may crash, crash with probability p (mpi.crash(): the process dies at once, as if
// killed) before sending the result — a crash-stop failure while holding a task. Each worker draws from
// mulberry32(seed × 1000 + rank), so a run is reproducible up to the order in which tasks are handed out.
// A slow worker (--slow-workers) takes --slow-factor × each fruit's time, so that the master's timeout
// re-queues its task and its late result must be ignored.
import * as mpi from "tsmpi";
import { prepare, timeScale, waitUnits, type Task } from "../fruits.ts";
import { mulberry32 } from "../../common/args.ts";
import {
  TAG_GIVE_TASK,
  TAG_RESULT,
  TAG_TASK,
  numberOption,
  programOptions,
  requireWorkers,
  workerName,
  type ResultMessage,
  type TaskReply,
} from "./common.ts";
import type { FaultTolerantOptions } from "./ft-master-algorithm.ts";
import { scaleOption } from "./master.ts";

const USAGE =
  "tsrun --fault-tolerant -np 4 exercises/salad/fault-tolerant.ts [--time-scale X] [--crash-probability P] [--seed S] [--crash-workers 1,2] [--task-timeout UNITS] [--silence UNITS] [--wait UNITS] [--slow-workers 1 --slow-factor F]";

export interface WorkerOptions {
  scale: number;
  crashProbability: number;
  seed: number;
  mayCrash: boolean;
  waitUnits: number;
  slowFactor: number;
}

/** A worker: ask, prepare, maybe crash, send the result; stop when the master answers null. */
async function worker(comm: mpi.Intracomm, o: WorkerOptions): Promise<void> {
  const me = workerName(comm.rank);
  const random = mulberry32(o.seed * 1000 + comm.rank);
  for (;;) {
    await comm.send(null, 0, TAG_GIVE_TASK);
    const reply = (await comm.recv(0, TAG_TASK)) as TaskReply;
    if (reply === null) return;
    if ("wait" in reply) {
      console.log(`[${me}] pas de fruit pour l'instant, j'attends ${o.waitUnits} unité(s)`);
      await waitUnits(o.waitUnits, o.scale);
      continue;
    }
    const task: Task = reply;
    console.log(`[${me}] 1 ${task.fruit} à préparer reçue (tâche ${task.id})`);
    const result = await prepare({ ...task, units: task.units * o.slowFactor }, o.scale);
    if (o.mayCrash && random() < o.crashProbability) {
      console.log(`[${me}] alerte, une panne ! 1 ${task.fruit} en préparation`);
      console.log(`CRASH ${task.id} ${task.fruit} by ${me}`);
      mpi.crash();
    }
    await comm.send({ id: task.id, result } satisfies ResultMessage, 0, TAG_RESULT);
  }
}

/** "1,3" → [1, 3]; "" or undefined → undefined (every worker). */
function rankList(program: string, rank: number, name: string, raw: string | undefined): number[] | undefined {
  if (raw === undefined) return undefined;
  const ranks = raw.split(",").filter(Boolean).map(Number);
  if (ranks.some((r) => !Number.isInteger(r) || r < 1)) {
    if (rank === 0)
      process.stderr.write(`${program}: --${name} takes worker ranks (1 or more) separated by commas, got "${raw}"\n`);
    process.exit(2);
  }
  return ranks;
}

/** The whole S6 program: fault-tolerant mode, master on rank 0 (built by `makeMaster`), workers elsewhere. */
export async function runFaultTolerantSalad(
  program: string,
  makeMaster: (comm: mpi.Intracomm, o: FaultTolerantOptions) => { run(): Promise<number> },
): Promise<void> {
  const comm = await mpi.init();
  comm.setErrhandler(mpi.ERRORS_RETURN); // a dead worker no longer aborts the job
  const string = { type: "string" } as const;
  const v = programOptions(
    program,
    comm.rank,
    {
      "time-scale": string,
      "crash-probability": string,
      seed: string,
      "crash-workers": string,
      "task-timeout": string,
      silence: string,
      wait: string,
      "slow-workers": string,
      "slow-factor": string,
    },
    USAGE,
  ) as Record<string, string | undefined>;
  const scale = scaleOption(program, comm.rank, v["time-scale"], timeScale);
  requireWorkers(program, comm.size);
  const timeoutUnits =
    v["task-timeout"] === undefined
      ? undefined
      : numberOption(program, comm.rank, "task-timeout", v["task-timeout"], 0, 0.01);
  const crashWorkers = rankList(program, comm.rank, "crash-workers", v["crash-workers"]);
  const slowWorkers = rankList(program, comm.rank, "slow-workers", v["slow-workers"]) ?? [];
  const options: WorkerOptions = {
    scale,
    crashProbability: numberOption(program, comm.rank, "crash-probability", v["crash-probability"], 0, 0, 1),
    seed: numberOption(program, comm.rank, "seed", v.seed, 1, 0),
    mayCrash: crashWorkers?.includes(comm.rank) ?? true,
    waitUnits: numberOption(program, comm.rank, "wait", v.wait, 1, 0.01),
    slowFactor: slowWorkers.includes(comm.rank)
      ? numberOption(program, comm.rank, "slow-factor", v["slow-factor"], 10, 1)
      : 1,
  };
  if (comm.rank === 0) {
    const silenceUnits =
      v.silence === undefined ? undefined : numberOption(program, comm.rank, "silence", v.silence, 0, 0.01);
    const code = await makeMaster(comm, { scale, timeoutUnits, silenceUnits, program }).run();
    await mpi.finalize();
    process.exitCode = code;
  } else {
    await worker(comm, options);
    await mpi.finalize();
  }
}
