// Salad exercise S6 (seed 002, "Alerte générale ! Une panne !" and "Un remède : le timeout"; seed 000's
// "pour détecter les pannes … on peut utiliser un délai"): the salad with workers that crash, the master
// knowing only what the course's master knows: silence. No failure detector of the runtime is used (tsrun's
// --fault-tolerant only keeps a crash from ending the job): the master receives with a timeout, re-queues a
// task whose result is overdue, and stops once every worker has been silent too long (mpi/timeout-master.ts).
// First run the naive master (fault-tolerant-naive.ts) and watch it hang; fault-tolerant-exact.ts is the
// extension with the runtime's exact failure detection. Worker and options: mpi/ft-salad.ts.
//
//   tsrun --fault-tolerant -np 4 exercises/salad/fault-tolerant.ts
//        [--time-scale X] [--crash-probability P (0)] [--seed S (1)] [--crash-workers 1,2 (all)]
//        [--task-timeout UNITS (2 × fruit + 2)] [--silence UNITS (4 × the longest timeout)] [--wait UNITS (1)] [--slow-workers 1 --slow-factor F (10)]
//   e.g. two workers that may crash and one that never does:
//        … fault-tolerant.ts --crash-probability 0.6 --crash-workers 1,2
//
// Output: the handout's French lines; for graders `PREPARED`, `TOTAL`, `CRASH <id> <fruit> by worker-<r>`
// (a worker about to die), `REQUEUED <id> <fruit> from worker-<r> (<why>)` and `UNPREPARED <id> <fruit>`.
import { TimeoutMaster } from "./mpi/timeout-master.ts";
import { runFaultTolerantSalad } from "./mpi/ft-salad.ts";

await runFaultTolerantSalad("fault-tolerant", (comm, options) => new TimeoutMaster(comm, options));
