// Exercise 5's ring algorithm without sockets (exercises/sockets/ring-protocol.ts): a chain of daemons and
// its first process, simulated by passing each step's message to the next member in ring order, builds the
// gathered message the lab book asks for (started and printed by the last daemon, every member once) and
// hands the first process the last daemon's address.
import { describe, expect, it } from "vitest";
import { chainFirstStep, chainStep, gatheredLine, type RingMessage } from "../../exercises/sockets/ring-protocol.ts";

describe("the chain's algorithm", () => {
  it("the last daemon's address climbs the chain unchanged to the first process, which connects to it", () => {
    const last: RingMessage = { type: "last", host: "10.0.0.3", port: 4242 };
    expect(chainStep(last, "daemon@b:2", false)).toEqual({ forward: last });
    expect(chainFirstStep(last, "launcher@a:1", 2).connect).toEqual(last);
  });

  it("the gather message goes round once: every member appends itself, the last daemon prints it", () => {
    // ring order of the messages: last (d2) → d1 → d0 → first process → d2
    let message: RingMessage = { type: "gather", members: ["daemon@c:3"] };
    for (const name of ["daemon@b:2", "daemon@a:1"]) message = chainStep(message, name, false).forward!;
    const atFirst = chainFirstStep(message, "launcher@h:9", 1);
    expect(atFirst.then).toEqual({ type: "token", lap: 1, finished: 0 });
    const back = chainStep(atFirst.forward!, "daemon@c:3", true);
    expect(back).toEqual({ print: "GATHERED 4 members: daemon@c:3 daemon@b:2 daemon@a:1 launcher@h:9" });
    expect(gatheredLine({ type: "gather", members: [] })).toBe("GATHERED 0 members: ");
  });

  it("without rounds the first process stops the ring after the gather; stop is passed on and ends each daemon", () => {
    expect(chainFirstStep({ type: "gather", members: ["x@c:3"] }, "launcher@h:9", 0).then).toEqual({ type: "stop" });
    expect(chainStep({ type: "stop" }, "daemon@b:2", false)).toEqual({ forward: { type: "stop" }, stop: true });
    expect(chainFirstStep({ type: "stop" }, "launcher@h:9", 0).done).toBe(true);
  });
});
