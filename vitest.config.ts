// vitest configuration: runtime tests start real processes, so they run in forked workers
// with generous hang guards (a guard, never a benchmark) and at most two files at once on 2 cores.
// Two projects: "all" runs every test with the transport the environment says (Unix sockets unless
// TSMPI_TRANSPORT is set); "shm" runs a representative cut again with ranks as threads over shared memory
// (TSMPI_TRANSPORT=shm): the mpi4py conformance ports, point-to-point, collectives, the diagnostics and two
// MPI grader suites. `npm run test:shm` runs the whole matrix's other half: every suite that starts ranks
// through tsrun, under shm.
import { defineConfig } from "vitest/config";

const SHM_CUT = [
  "test/conformance/**/*.test.ts",
  "test/runtime/p2p.test.ts",
  "test/runtime/collectives.test.ts",
  "test/runtime/diagnostics.test.ts",
  "test/graders/mpi-collectives.test.ts",
  "test/graders/mpi-p2p.test.ts",
];

export default defineConfig({
  test: {
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ["default"],
    projects: [
      { extends: true, test: { name: "all", include: ["test/**/*.test.ts"] } },
      { extends: true, test: { name: "shm", include: SHM_CUT, env: { TSMPI_TRANSPORT: "shm" } } },
    ],
  },
});
