// Unit tests of the pure security parts: sealed records (--secure), link proofs, control-message
// validation, the control line cap and the private-directory check.
import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { Opener, RECORD_BYTES, Sealer } from "../../runtime/transport/seal.ts";
import { linkKey, linkProof } from "../../runtime/transport/handshake.ts";
import { LineSplitter, parseRankMessage, privateDirProblem, takeJobSecret } from "../../runtime/wire/bootstrap.ts";

const key = randomBytes(32);
const opened = (records: Buffer[]) => {
  const out: Buffer[] = [];
  const opener = new Opener(key, (b) => out.push(b));
  for (const r of records) opener.push(r);
  return Buffer.concat(out);
};

describe("sealed records", () => {
  it("round-trip any bytes, cut at RECORD_BYTES, under any chunking", () => {
    const data = randomBytes(2 * RECORD_BYTES + 17);
    const records = new Sealer(key).seal([data.subarray(0, 5), data.subarray(5)]);
    expect(records).toHaveLength(4);
    const whole = Buffer.concat(records);
    const out: Buffer[] = [];
    const opener = new Opener(key, (b) => out.push(b));
    for (let at = 0; at < whole.length; at += 997) opener.push(whole.subarray(at, at + 997));
    expect(Buffer.concat(out).equals(data)).toBe(true);
    expect(opener.idle).toBe(true);
  });

  it("refuse a changed byte, a replayed or reordered record, and a wrong key", () => {
    const sealer = new Sealer(key);
    const [a, b] = [sealer.seal([Buffer.from("first")])[0], sealer.seal([Buffer.from("second")])[0]];
    for (let i = 0; i < a.length; i++) {
      const changed = Buffer.from(a);
      changed[i] ^= 1;
      // A length made longer only waits for bytes that will not open either; nothing is ever delivered.
      let delivered = Buffer.alloc(0);
      let threw = false;
      try {
        delivered = opened([changed]);
      } catch (err) {
        threw = /--secure: a record/.test((err as Error).message);
      }
      expect(threw || (i < 4 && delivered.length === 0), `byte ${i}`).toBe(true);
      expect(delivered.length).toBe(0);
    }
    expect(() => opened([a, a])).toThrow(/failed authentication/);
    expect(() => opened([b, a])).toThrow(/failed authentication/);
    expect(() => new Opener(randomBytes(32), () => {}).push(a)).toThrow(/failed authentication/);
    expect(opened([a, b]).toString()).toBe("firstsecond");
  });

  it("refuse a length beyond one record before buffering it", () => {
    const head = Buffer.alloc(4);
    head.writeUInt32LE(RECORD_BYTES + 1);
    expect(() => opened([head])).toThrow(/claims \d+ bytes/);
  });
});

describe("link proofs and keys", () => {
  const secret = randomBytes(32);
  const [na, nc] = [randomBytes(16), randomBytes(16)];
  it("differ by direction, by ranks and by nonces", () => {
    const base = linkProof(secret, "c2a", na, nc, 0, 1);
    expect(linkProof(secret, "a2c", na, nc, 0, 1).equals(base)).toBe(false);
    expect(linkProof(secret, "c2a", na, nc, 0, 2).equals(base)).toBe(false);
    expect(linkProof(secret, "c2a", na, nc, 1, 0).equals(base)).toBe(false);
    expect(linkProof(secret, "c2a", nc, na, 0, 1).equals(base)).toBe(false);
    expect(linkProof(randomBytes(32), "c2a", na, nc, 0, 1).equals(base)).toBe(false);
    expect(linkProof(secret, "c2a", na, nc, 0, 1).equals(base)).toBe(true);
    expect(linkKey(secret, na, nc, 0, 1).equals(linkKey(secret, na, nc, 1, 0))).toBe(false);
  });
});

describe("control messages", () => {
  it("anything that is not a well-formed message is a reason, never a crash", () => {
    for (const line of [
      "null",
      "1",
      '"x"',
      "[]",
      "{}",
      '{"t":"hello"}',
      '{"t":"constructor","rank":0}',
      '{"t":"__proto__","rank":0}',
      '{"t":"finalize","rank":0,"sentTo":null}',
      '{"t":"hello","rank":0,"proof":"p","address":null}',
      '{"t":"shrink","rank":0,"key":"k","members":[null]}',
      "{oops",
    ]) {
      expect(typeof parseRankMessage(line), line).toBe("string");
    }
    const hello = {
      t: "hello",
      rank: 1,
      proof: "ab",
      address: { rank: 1, hostId: "h", hostname: "n", pid: 3, unix: "/x", tcp: { host: "a", port: 1 } },
    };
    expect(parseRankMessage(JSON.stringify(hello))).toEqual(hello);
  });

  it("a line longer than the cap throws, even without a newline", () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((l) => lines.push(l), 16);
    splitter.push("short\n");
    expect(() => splitter.push("x".repeat(17))).toThrow(/longer than 16 bytes/);
    expect(lines).toEqual(["short"]);
  });
});

describe("private directories and the secret", () => {
  it("refuse a symlink, a shared mode and a missing path; accept a fresh mkdtemp", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsmpi-unit-"));
    try {
      expect(privateDirProblem(dir)).toBeNull();
      fs.symlinkSync(dir, `${dir}-link`);
      expect(privateDirProblem(`${dir}-link`)).toMatch(/symbolic link/);
      fs.chmodSync(dir, 0o755);
      expect(privateDirProblem(dir)).toMatch(/mode 755/);
      expect(privateDirProblem(path.join(dir, "missing"))).toMatch(/ENOENT/);
    } finally {
      fs.rmSync(`${dir}-link`, { force: true });
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("takes the secret from the variable when no descriptor is named, and removes both variables", () => {
    const env: NodeJS.ProcessEnv = { TSMPI_SECRET: "abcd" };
    expect(takeJobSecret(env)).toBe("abcd");
    expect(env).toEqual({});
  });
});
