// Tests of launcher/hostfile.ts: every hostfile form of Open MPI and MPICH (issue 7), the error message of
// a bad line, merging of repeated hosts, hostfile.example, and fuzzing (fast-check): a parser that only ever
// returns entries or throws HostfileError, whatever the bytes, and agrees with a generated file's model.
import { readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HostfileError, hostLabel, parseHostfile, parseHostList, type HostEntry } from "../../launcher/hostfile.ts";

const strip = (entries: HostEntry[]) => entries.map(({ source: _source, ...rest }) => rest);

describe("parseHostfile", () => {
  it("reads the Open MPI forms, comments and blank lines", () => {
    const text = "# lab\n\nth1\nth2 slots=4   # trailing comment\n  th3 slots=2 max_slots=6\n\t\n";
    const entries = parseHostfile(text, "hosts");
    expect(strip(entries)).toEqual([
      { host: "th1", slots: 1 },
      { host: "th2", slots: 4 },
      { host: "th3", slots: 2, maxSlots: 6 },
    ]);
    expect(entries.map((e) => e.source)).toEqual([
      { file: "hosts", line: 3 },
      { file: "hosts", line: 4 },
      { file: "hosts", line: 5 },
    ]);
  });

  it("reads MPICH host:N, user@host, port=N, spaces around = and CRLF line ends", () => {
    const text = "a:3\r\nalice@b slots = 2 port=2222\r\nbob@c:2 max-slots=5\r\n10.0.0.7\r\n[2001:db8::1]:4\r\n";
    expect(strip(parseHostfile(text, "h"))).toEqual([
      { host: "a", slots: 3 },
      { host: "b", user: "alice", slots: 2, port: 2222 },
      { host: "c", user: "bob", slots: 2, maxSlots: 5 },
      { host: "10.0.0.7", slots: 1 },
      { host: "2001:db8::1", slots: 4 },
    ]);
  });

  it("adds the slots of a host listed twice to its first entry, which keeps its position", () => {
    const entries = parseHostfile("th1 slots=2\nth2\nth1:3\nalice@th1\n", "h");
    expect(strip(entries)).toEqual([
      { host: "th1", slots: 5 },
      { host: "th2", slots: 1 },
      { host: "th1", user: "alice", slots: 1 },
    ]);
    expect(entries[0].source.line).toBe(1);
  });

  it("merges max_slots only when both lines have one (else the host is unlimited)", () => {
    expect(strip(parseHostfile("a slots=1 max_slots=2\na slots=1 max_slots=3\n", "h"))).toEqual([
      { host: "a", slots: 2, maxSlots: 5 },
    ]);
    expect(strip(parseHostfile("a slots=1 max_slots=2\na slots=1\n", "h"))).toEqual([{ host: "a", slots: 2 }]);
  });

  const bad: Array<[string, RegExp]> = [
    ["th1 slots=two", /slots must be a whole number, got "two"/],
    ["th1 slots=0", /slots must be between 1 and/],
    ["th1 slots=4 max_slots=2", /max_slots=2 is less than slots=4/],
    ["th1 cpus=4", /unknown option "cpus"/],
    ["th1 4", /unexpected "4"/],
    ["th1:2 slots=2", /both as host:N and slots=N/],
    ["th1:x", /slot count after ':' must be a whole number/],
    ["th1 port=70000", /port must be between 1 and 65535/],
    ["th1 slots=1 slots=2", /slots is given twice/],
    ["th!1", /invalid host name "th!1"/],
    ["@th1", /invalid user name ""/],
    ["a:b:c", /more than one ':'/],
  ];
  for (const [line, problem] of bad) {
    it(`rejects ${JSON.stringify(line)} naming file, line, the line and the accepted forms`, () => {
      const text = `# comment\nok\n${line}\n`;
      let error: unknown;
      try {
        parseHostfile(text, "lab.hosts");
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(HostfileError);
      const message = (error as HostfileError).message;
      expect(message.startsWith(`lab.hosts line 3: ${JSON.stringify(line)}: `)).toBe(true);
      expect(message).toMatch(problem);
      expect(message).toContain("accepted forms: 'host', 'host slots=N', 'host slots=N max_slots=M', 'host:N'");
      expect((error as HostfileError).line).toBe(3);
    });
  }

  it("rejects a file with no host", () => {
    expect(() => parseHostfile("# only a comment\n\n", "empty")).toThrow(
      /empty line 3: "": the hostfile lists no host/,
    );
  });

  it("parses hostfile.example: every documented form", () => {
    const file = path.join(import.meta.dirname, "../../hostfile.example");
    const entries = parseHostfile(readFileSync(file, "utf8"), "hostfile.example");
    expect(entries.map(hostLabel)).toEqual([
      "lab-pc01",
      "lab-pc02",
      "lab-pc03",
      "lab-pc04",
      "alice@lab-pc05",
      "lab-pc06:2222",
      "bob@lab-pc07:2200",
      "10.0.0.8",
      "[2001:db8::8]",
    ]);
    expect(entries[1].slots).toBe(6); // listed twice: 4 + 2
    expect(entries[2].maxSlots).toBe(4);
  });
});

describe("parseHostList (--host)", () => {
  it("reads h1,h2:2,u@h3 and merges repeats", () => {
    expect(strip(parseHostList("h1,h2:2,u@h3,h1"))).toEqual([
      { host: "h1", slots: 2 },
      { host: "h2", slots: 2 },
      { host: "h3", user: "u", slots: 1 },
    ]);
  });

  it("names the bad item", () => {
    expect(() => parseHostList("h1,,h3")).toThrow(/--host item line 2: "": empty item/);
    expect(() => parseHostList("h1,h2:0")).toThrow(
      /--host item line 2: "h2:0": the slot count after ':' must be between 1/,
    );
  });
});

// ---- fuzzing ------------------------------------------------------------------------------------------
const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/);
const lineModel = fc.record({
  host: fc.constantFrom("th1", "th2", "th3", "pc-4"),
  user: fc.option(fc.constantFrom("alice", "bob"), { nil: undefined }),
  slots: fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined }),
  extra: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
  port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
  mpich: fc.boolean(),
  comment: fc.option(
    fc.string({ maxLength: 20 }).map((s) => s.replace(/\n/g, " ")),
    { nil: undefined },
  ),
});
type LineModel = typeof lineModel extends fc.Arbitrary<infer T> ? T : never;

function render(m: LineModel): string {
  const hostPart = `${m.user ? `${m.user}@` : ""}${m.host}${m.mpich && m.slots ? `:${m.slots}` : ""}`;
  const opts = [
    !m.mpich && m.slots ? `slots=${m.slots}` : "",
    m.extra !== undefined ? `max_slots=${(m.slots ?? 1) + m.extra}` : "",
    m.port ? `port=${m.port}` : "",
  ].filter(Boolean);
  return [hostPart, ...opts].join(" ") + (m.comment !== undefined ? ` #${m.comment}` : "");
}

describe("fuzzing", () => {
  it("a generated file parses to its model: merged in first-seen order, slots summed", () => {
    fc.assert(
      fc.property(fc.array(lineModel, { minLength: 1, maxLength: 12 }), (models) => {
        const entries = parseHostfile(models.map(render).join("\n"), "gen");
        const key = (m: { host: string; user?: string; port?: number }) => `${m.user}@${m.host}:${m.port}`;
        const order = [...new Set(models.map(key))];
        expect(entries.map(key)).toEqual(order);
        for (const entry of entries) {
          const same = models.filter((m) => key(m) === key(entry));
          expect(entry.slots).toBe(same.reduce((sum, m) => sum + (m.slots ?? 1), 0));
        }
      }),
    );
  });

  it("any bytes: entries or a HostfileError naming an existing line, never another error", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = Buffer.from(bytes).toString("latin1");
        try {
          const entries = parseHostfile(text, "fuzz");
          for (const e of entries) expect(e.slots).toBeGreaterThanOrEqual(1);
        } catch (err) {
          expect(err).toBeInstanceOf(HostfileError);
          expect((err as HostfileError).line).toBeGreaterThanOrEqual(1);
          expect((err as HostfileError).line).toBeLessThanOrEqual(text.split("\n").length);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("valid lines mutated a character at a time: entries or HostfileError for that line", () => {
    const alphabet = fc.constantFrom(..."ab:=@#[] \t\r19-_.x!");
    fc.assert(
      fc.property(lineModel, fc.nat(), alphabet, name, (m, at, ch, other) => {
        const line = render(m);
        const position = at % (line.length + 1);
        const mutated = line.slice(0, position) + ch + line.slice(position + 1);
        try {
          parseHostfile(`${other}\n${mutated}\n`, "mut");
        } catch (err) {
          expect(err).toBeInstanceOf(HostfileError);
          expect((err as HostfileError).line).toBe(2);
          // A trailing \r is a CRLF line ending, not part of the line: the message quotes the line without it.
          expect((err as HostfileError).message).toContain(`mut line 2: ${JSON.stringify(mutated.replace(/\r$/, ""))}`);
        }
      }),
      { numRuns: 500 },
    );
  });
});
