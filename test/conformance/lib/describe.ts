// One vitest describe block per ported file: runs the program at each np of its cut through the real
// tsrun and asserts every case passed, except exactly the known failures listed for that np.
import { describe, it } from "vitest";
import { expectConformance, runCases, type ConformanceFile } from "./run-cases.ts";

export function describeConformance(name: string, file: ConformanceFile): void {
  describe(`conformance: ${name}`, () => {
    for (const np of file.nps) {
      it(`every case passes at np=${np}`, { timeout: 180_000 }, async () => {
        const report = await runCases(name, np);
        expectConformance(report, file.knownFailures?.(np) ?? [], file.minCases);
      });
    }
  });
}
