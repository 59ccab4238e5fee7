// The PMI-2 wire codec (runtime/wire/pmi.ts) without Slurm: the bytes of a command, parsing answers,
// the decoder fed whole and a byte at a time, and what it refuses (values Slurm would cut at ';').
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  PmiDecoder,
  PmiProtocolError,
  checkInitResponse,
  decodeKvsValue,
  encodeCommand,
  encodeInitLine,
  encodeKvsValue,
  parseCommand,
  type PmiMessage,
} from "../../runtime/wire/pmi.ts";

function decodeAll(chunks: Buffer[]): { init: string[]; messages: PmiMessage[] } {
  const init: string[] = [];
  const messages: PmiMessage[] = [];
  const decoder = new PmiDecoder(
    (l) => init.push(l),
    (m) => messages.push(m),
  );
  for (const c of chunks) decoder.push(c);
  return { init, messages };
}

describe("PMI-2 wire codec", () => {
  it("writes the init line and length-prefixed commands as Slurm reads them", () => {
    expect(encodeInitLine()).toBe("cmd=init pmi_version=2 pmi_subversion=0\n");
    const bytes = encodeCommand("fullinit", { pmijobid: "12.0", pmirank: "3", threaded: "FALSE" }).toString();
    expect(bytes).toBe("52    cmd=fullinit;pmijobid=12.0;pmirank=3;threaded=FALSE;");
    expect(Number(bytes.slice(0, 6))).toBe(bytes.length - 6);
  });

  it("refuses a value holding ';' (Slurm 22.05 cuts values there) or a newline", () => {
    expect(() => encodeCommand("kvs-put", { key: "k", value: "a;b" })).toThrow(PmiProtocolError);
    expect(() => encodeCommand("kvs-put", { key: "k", value: "a\nb" })).toThrow(/holds ';', '=' or a newline/);
  });

  it("parses answers, with the spec's ';;' standing for ';' in a value", () => {
    const m = parseCommand("cmd=kvs-get-response;rc=0;found=TRUE;value=a;;b=c;");
    expect(m.cmd).toBe("kvs-get-response");
    expect(Object.fromEntries(m.fields)).toEqual({ rc: "0", found: "TRUE", value: "a;b=c" });
    expect(() => parseCommand("rc=0;")).toThrow(/without cmd/);
  });

  it("checks the answer to init", () => {
    expect(() => checkInitResponse("cmd=response_to_init rc=0 pmi_version=2 pmi_subversion=0")).not.toThrow();
    expect(() => checkInitResponse("cmd=response_to_init rc=1 pmi_version=1 pmi_subversion=1")).toThrow(
      /refused PMI-2/,
    );
  });

  it("splits the server's stream the same whether it comes whole or a byte at a time", () => {
    const stream = Buffer.concat([
      Buffer.from("cmd=response_to_init rc=0 pmi_version=2 pmi_subversion=0\n"),
      encodeCommand("fullinit-response", { rc: "0", rank: "1", size: "4" }),
      encodeCommand("kvs-fence-response", { rc: "0" }),
      encodeCommand("kvs-get-response", { rc: "0", found: "TRUE", value: encodeKvsValue({ host: "n1", port: 4001 }) }),
    ]);
    const whole = decodeAll([stream]);
    const bytewise = decodeAll([...stream].map((b) => Buffer.from([b])));
    expect(bytewise).toEqual(whole);
    expect(whole.init).toEqual(["cmd=response_to_init rc=0 pmi_version=2 pmi_subversion=0"]);
    expect(whole.messages.map((m) => m.cmd)).toEqual(["fullinit-response", "kvs-fence-response", "kvs-get-response"]);
    expect(decodeKvsValue(whole.messages[2].fields.get("value")!)).toEqual({ host: "n1", port: 4001 });
  });

  it("refuses a length header that is not a number", () => {
    expect(() => decodeAll([Buffer.from("cmd=response_to_init rc=0 pmi_version=2\nxx    cmd=a;")])).toThrow(
      /bad PMI-2 length header/,
    );
  });

  it("round-trips any JSON value through the key-value encoding, never producing ';', '=' or spaces", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (value) => {
        const text = encodeKvsValue(value);
        expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
        expect(decodeKvsValue(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 200 },
    );
  });
});
