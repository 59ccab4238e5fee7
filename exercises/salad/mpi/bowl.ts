// Exercise S4's program body (seed 000 part 2, "une exclusion mutuelle distribuée"): the S1 master and
// workers, where a worker uses the bowl — prepares its fruit over it and hands it in (send_result) — only
// inside a critical section guarded by Lamport's algorithm among the workers (mpi/lamport.ts). The bowl
// takes one cook at a time, so the salad takes about the sequential time: the price of mutual exclusion.
// lamport-mutex.ts runs it with LamportMutex; the grader's broken variants run it with faulty mutexes.
//
// Events, each printed as a line and recorded as a trace mark (mpi.mark: `tsrun --trace DIR` keeps it with
// its vector clock and wall time; the grader reads the marks):
//   REQUEST worker-<r> ts=<t> id=<i> time=<ms>              a request for the bowl, stamped (t, i)
//   ENTER worker-<r> ts=<t> id=<i> clock=<c> time=<ms>      in the bowl (Lamport clock c at the entry)
//   LEAVE worker-<r> ts=<t> id=<i> clock=<c> time=<ms>      out of the bowl, before the release is sent
// where i is the worker's id among the participants (its rank in the workers' communicator) and ms the
// wall clock in milliseconds.
import * as mpi from "tsmpi";
import { prepare, timeScale, type Task } from "../fruits.ts";
import {
  TAG_GIVE_TASK,
  TAG_RESULT,
  TAG_TASK,
  programOptions,
  requireWorkers,
  wallMs,
  workerName,
  type ResultMessage,
} from "./common.ts";
import { LamportMutex, type RequestStamp } from "./lamport.ts";
import { runMaster, scaleOption } from "./master.ts";

const USAGE = "tsrun -np 4 exercises/salad/lamport-mutex.ts [--time-scale X]";

export type MutexFactory = (participants: mpi.Intracomm) => LamportMutex;

/** Prints an event line and marks it in the trace (a no-op when the trace is off). */
function event(text: string): void {
  console.log(text);
  mpi.mark(text);
}

function stamp(s: RequestStamp): string {
  return `ts=${s.ts} id=${s.id}`;
}

/** A worker: ask for a task; take the bowl (Lamport), prepare the fruit over it and send the result; release. */
async function bowlWorker(comm: mpi.Intracomm, mutex: LamportMutex, scale: number): Promise<void> {
  const me = workerName(comm.rank);
  for (;;) {
    await comm.send(null, 0, TAG_GIVE_TASK);
    const task = (await comm.recv(0, TAG_TASK)) as Task | null;
    if (!task) break;
    console.log(`[${me}] 1 ${task.fruit} à préparer reçue ; je demande le saladier`);
    const requested = mutex.acquire(); // stamps the request at once, then waits for the bowl
    event(`REQUEST ${me} ${stamp(mutex.request!)} time=${wallMs()}`);
    const request = await requested;
    event(`ENTER ${me} ${stamp(request)} clock=${mutex.clock} time=${wallMs()}`);
    console.log(`[${me}] 1 ${task.fruit} en préparation au-dessus du saladier (${task.units}s)...`);
    const result = await prepare(task, scale);
    await comm.send({ id: task.id, result } satisfies ResultMessage, 0, TAG_RESULT);
    await mutex.release((clock) => event(`LEAVE ${me} ${stamp(request)} clock=${clock} time=${wallMs()}`));
  }
  await mutex.close();
}

/** The whole S4 program: master on rank 0, workers sharing the bowl through the mutex `makeMutex` builds. */
export async function runLamportSalad(program: string, makeMutex: MutexFactory): Promise<void> {
  const comm = await mpi.init();
  const options = programOptions(program, comm.rank, { "time-scale": { type: "string" } }, USAGE);
  const scale = scaleOption(program, comm.rank, options["time-scale"] as string | undefined, timeScale);
  requireWorkers(program, comm.size);
  const participants = await comm.split(comm.rank === 0 ? mpi.UNDEFINED : 1, comm.rank);
  if (comm.rank === 0) await runMaster(comm, scale);
  else await bowlWorker(comm, makeMutex(participants!), scale);
  await mpi.finalize();
}
