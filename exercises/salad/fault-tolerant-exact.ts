// Salad exercise S6, extension: exact failure detection (seed 002, "Alerte générale ! Une panne !" and "Un remède : le timeout"; seed 000's
// "pour détecter les pannes … on peut utiliser un délai"): the salad with workers that crash, over tsmpi in
// fault-tolerant mode, using the runtime's failure detector instead of silence (the exercise, fault-tolerant.ts,
// uses timeouts only). Workers crash with probability p after preparing a fruit, before returning it. The
// master (mpi/ft-master.ts) re-queues the task of a dead worker (ERR_PROC_FAILED / comm.failedRanks()) or
// of a result overdue (timeout); idle workers wait; every fruit is prepared exactly once while any worker
// survives, and when none is left the master stops with "all workers have died; N fruits were not
// prepared: …" and exit code 1. Worker and options: mpi/ft-salad.ts.
//
//   tsrun --fault-tolerant -np 4 exercises/salad/fault-tolerant-exact.ts
//        [--time-scale X] [--crash-probability P (0)] [--seed S (1)] [--crash-workers 1,2 (all)]
//        [--task-timeout UNITS (2 × fruit + 2)] [--wait UNITS (1)] [--slow-workers 1 --slow-factor F (10)]
//   e.g. the handout's script, two workers that may crash and one that never does:
//        … fault-tolerant.ts --crash-probability 0.6 --crash-workers 1,2
//
// Output: the handout's French lines; for graders `PREPARED`, `TOTAL`, `CRASH <id> <fruit> by worker-<r>`
// (a worker about to die), `REQUEUED <id> <fruit> from worker-<r> (<why>)` and `UNPREPARED <id> <fruit>`.
import { FaultTolerantMaster } from "./mpi/ft-master.ts";
import { runFaultTolerantSalad } from "./mpi/ft-salad.ts";

await runFaultTolerantSalad("fault-tolerant-exact", (comm, options) => new FaultTolerantMaster(comm, options));
