// Diagnostics that name the cause, through the real tsrun: a ring whose first send has the wrong tag is
// reported as a tag mismatch, with the message waiting at rank 1 and the line that sent it; a single
// rank receiving from itself gets the receive hint (not the synchronous-send one); ERR_TRUNCATE (raised
// when the message lands), ERR_ARG and the --timeout report name the user's file:line.
import { describe, expect, it } from "vitest";
import { runTsrun } from "../harness/run.ts";

const causes = "test/runtime/programs/diag-causes.ts";

describe("diagnostics name the cause and the user's line", () => {
  it("a wrong tag: the message waiting at the receiver, its tag and the line that sent it", async () => {
    const r = await runTsrun(4, "test/launcher/programs/ring-wrong-tag.ts");
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(
      /rank 1 waits in recv\(source=0, tag=2\) at \S*ring-wrong-tag\.ts:15:\d+; an unmatched message from rank 0 with tag 1 \(sent at \S*ring-wrong-tag\.ts:11:\d+\) is waiting at rank 1: tag mismatch\?/,
    );
    expect(r.stderr).toMatch(/hint: the receive and the message it should match have different tags/);
    expect(r.stderr.match(/tag mismatch\?/g)).toHaveLength(1); // ranks 0, 2, 3 have nothing waiting
  });

  it("at np = 1, a rank blocked receiving from itself gets the receive hint", async () => {
    const r = await runTsrun(1, causes, { programArgs: ["recv-self"] });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/deadlock: rank 0 waits in recv\(source=0, tag=0\) for itself/);
    expect(r.stderr).toMatch(/rank 0: recv\(source=0, tag=0\) at \S*diag-causes\.ts:20:\d+/);
    expect(r.stderr).toMatch(/hint: a rank that receives from itself must have sent that message first/);
    expect(r.stderr).not.toMatch(/synchronous/);
  });

  it("ERR_TRUNCATE, raised when the message lands, names the receive's line", async () => {
    const r = await runTsrun(2, causes, { programArgs: ["truncate"] });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /MpiError \[ERR_TRUNCATE\]: recvInto\(source=0, tag=0\) on rank 1: message truncated[^\n]*\n\s+at \S*diag-causes\.ts:14:\d+/,
    );
  });

  it("ERR_ARG names the call's line", async () => {
    const r = await runTsrun(2, causes, { programArgs: ["arg"] });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/MpiError \[ERR_ARG\]: createCart\([^\n]*\n\s+at [^\n]*diag-causes\.ts:17:\d+/);
  });

  it("--timeout says where each rank is blocked", async () => {
    const r = await runTsrun(2, causes, { tsrunArgs: ["--timeout", "3"], programArgs: ["hang"] });
    expect(r.code, r.stderr).toBe(124);
    expect(r.stderr).toMatch(/rank 0: blocked in recv\(source=1, tag=0\) at \S*diag-causes\.ts:25:\d+/);
    expect(r.stderr).toMatch(/rank 1: blocked in finalize\(\) at \S*diag-causes\.ts:32:\d+/);
  });
});
