// The receive calls take a type parameter (`await comm.recv<number>(0, 1)`), so programs need no `as`.
// Checked by the compiler (npm test starts with tsc --noEmit); the default stays `unknown`.
import { describe, expectTypeOf, it } from "vitest";
import type { Comm, Intracomm, Message, Request } from "../../runtime/index.ts";

describe("typed receives", () => {
  it("recv, sendrecv, Request.wait and Message.recv return the type asked for, unknown by default", () => {
    expectTypeOf<ReturnType<Comm["recv"]>>().toEqualTypeOf<Promise<unknown>>();
    expectTypeOf((c: Intracomm) => c.recv<number>(0, 1)).returns.toEqualTypeOf<Promise<number>>();
    expectTypeOf((c: Intracomm) => c.sendrecv<{ step: number }>(1, 0)).returns.toEqualTypeOf<
      Promise<{ step: number }>
    >();
    expectTypeOf((r: Request) => r.wait<string[]>()).returns.toEqualTypeOf<Promise<string[]>>();
    expectTypeOf((m: Message) => m.recv<bigint>()).returns.toEqualTypeOf<Promise<bigint>>();
  });
});
