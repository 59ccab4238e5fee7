// Salad exercise S6, first step: the naive master with workers that crash (seed 002, "Alerte générale ! Une
// panne !"). The fruit a crashed worker held never comes back and the master waits for it forever; run it
// with a timeout to see where it is stuck:
//   tsrun --fault-tolerant --timeout 20 -np 4 exercises/salad/fault-tolerant-naive.ts \
//        --crash-probability 1 --crash-workers 1
// tsrun stops the job after 20 s (exit code 124) and reports rank 0 blocked in recv. The remedy, a timeout:
// fault-tolerant.ts.
import { NaiveMaster } from "./mpi/naive-master.ts";
import { runFaultTolerantSalad } from "./mpi/ft-salad.ts";

await runFaultTolerantSalad("fault-tolerant-naive", (comm, options) => new NaiveMaster(comm, options));
