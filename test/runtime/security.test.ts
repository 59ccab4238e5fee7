// Only the job's own ranks can talk to it: a stranger connecting to a rank's socket (Unix or TCP) without
// proving the per-job secret is refused and the job carries on (issue: foundation, "per-job secret").
import { expect, it } from "vitest";
import * as net from "node:net";
import { spawn, execFileSync } from "node:child_process";
import { tsrunBin, projectRoot } from "../harness/run.ts";
import { encodeFrame } from "../../runtime/wire/frame.ts";
import { FrameKind } from "../../runtime/protocol.ts";

function tcpPortOf(pid: number): number {
  const out = execFileSync("ss", ["-ltnpH"], { encoding: "utf8" });
  const line = out.split("\n").find((l) => l.includes(`pid=${pid},`));
  if (!line) throw new Error(`no TCP listener for pid ${pid} in:\n${out}`);
  return Number(line.trim().split(/\s+/)[3].split(":").pop());
}

for (const transport of ["unix", "tcp"]) {
  it(`a stranger's connection over ${transport} is refused and the job finishes`, async () => {
    const child = spawn(
      process.execPath,
      [tsrunBin, "-np", "2", "--transport", transport, "test/runtime/programs/stranger.ts"],
      {
        cwd: projectRoot,
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const listen = await new Promise<[string, number]>((resolve) =>
      child.stdout.on("data", (d) => {
        stdout += d;
        const m = /LISTEN (\S+) (\d+)/.exec(stdout);
        if (m) resolve([m[1], Number(m[2])]);
      }),
    );
    const socket = transport === "unix" ? net.connect(listen[0]) : net.connect(tcpPortOf(listen[1]), "127.0.0.1");
    socket.write(Buffer.alloc(16, 1)); // the connecting side's nonce (transport/handshake.ts)
    const closedByRank = new Promise<number>((resolve) => {
      let received = 0;
      socket.on("data", (d) => {
        received += d.length;
        // A HELLO claiming to be rank 0 with a made-up proof.
        if (received >= 16)
          for (const b of encodeFrame(
            { kind: FrameKind.HELLO, enc: 0, flags: 0, context: 0, tag: 0, id: 0, size: 32, sig: 0 },
            Buffer.alloc(32, 7),
          ))
            socket.write(b);
      });
      socket.on("error", () => {});
      socket.on("close", () => resolve(received));
    });
    expect(await closedByRank).toBe(16);
    child.stdin.end("go\n");
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(0);
    expect(stderr).toMatch(/rank 1 refused a connection from .*: it did not prove the job secret/);
    expect(stdout).toMatch(/rank 1 got: still fine/);
  });
}

it("a corrupt frame from a rank stops the job with one ERR_PROTOCOL message", async () => {
  const { runTsrun } = await import("../harness/run.ts");
  const r = await runTsrun(2, "test/runtime/programs/malformed.ts");
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(
    /rank 1 \(pid \d+ on .+\) failed:\n {2}MpiError \[ERR_PROTOCOL\]: receiving from rank 0 on rank 1: malformed frame: unknown frame kind 238/,
  );
  expect(r.stderr).toMatch(/it was in: recv\(source=ANY_SOURCE, tag=5\)/);
  expect(r.stderr).not.toMatch(/node:internal|\/runtime\/comm\//);
});
