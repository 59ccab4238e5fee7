// The PMI-2 wire protocol (what `srun --mpi=pmi2` gives each task on PMI_FD), as a codec with no I/O.
// A client opens with one PMI-1 style line, `cmd=init pmi_version=2 pmi_subversion=0\n`, answered by
// `cmd=response_to_init rc=0 pmi_version=2 pmi_subversion=0\n`; every later command and response is a
// 6-character decimal length (space padded) followed by that many bytes of `cmd=NAME;key=value;…;`
// (PMI-2 spec; Slurm src/plugins/mpi/pmi2). The spec writes a ';' inside a value as ';;', but Slurm 22.05
// cuts a value at its first ';' (checked: `v;1` comes back as `v`), so values with ';' are refused here
// and the values tsmpi stores in the key-value space are JSON in base64url (no ';', '=' or spaces).

/** A parsed PMI-2 command or response: its `cmd` and its other fields, in order. */
export interface PmiMessage {
  cmd: string;
  fields: Map<string, string>;
}

export class PmiProtocolError extends Error {}

const LENGTH_DIGITS = 6;
/** Slurm's PMI-2 limits (PMI2_MAX_KEYLEN, PMI2_MAX_VALLEN). */
export const PMI_MAX_KEY = 64;
export const PMI_MAX_VALUE = 1024;

/** The PMI-1 style line that starts a PMI-2 session. */
export function encodeInitLine(): string {
  return "cmd=init pmi_version=2 pmi_subversion=0\n";
}

/** Checks the server's answer to the init line; throws when it refuses PMI-2. */
export function checkInitResponse(line: string): void {
  const fields = new Map(
    line
      .trim()
      .split(/\s+/)
      .map((kv) => splitAt(kv, "=")),
  );
  if (fields.get("cmd") !== "response_to_init") throw new PmiProtocolError(`unexpected answer to init: ${line.trim()}`);
  if (fields.get("rc") !== "0" || fields.get("pmi_version") !== "2") {
    throw new PmiProtocolError(`the PMI server refused PMI-2: ${line.trim()}`);
  }
}

/** One PMI-2 command on the wire: the length header, then `cmd=NAME;k=v;…;`. */
export function encodeCommand(cmd: string, fields: Record<string, string> = {}): Buffer {
  let body = `cmd=${cmd};`;
  for (const [key, value] of Object.entries(fields)) {
    if (/[;=\n]/.test(key) || /[;\n]/.test(value))
      throw new PmiProtocolError(`PMI-2 field ${key} holds ';', '=' or a newline`);
    body += `${key}=${value};`;
  }
  const bytes = Buffer.from(body, "utf8");
  if (bytes.length >= 10 ** LENGTH_DIGITS) throw new PmiProtocolError(`PMI-2 command too long (${bytes.length} bytes)`);
  return Buffer.concat([Buffer.from(String(bytes.length).padEnd(LENGTH_DIGITS, " "), "ascii"), bytes]);
}

/** Parses the body of one PMI-2 message (`cmd=NAME;k=v;…;`, ';;' standing for ';' inside a value). */
export function parseCommand(body: string): PmiMessage {
  const fields = new Map<string, string>();
  let i = 0;
  while (i < body.length) {
    const eq = body.indexOf("=", i);
    if (eq < 0) throw new PmiProtocolError(`malformed PMI-2 message (no '=' after offset ${i}): ${body}`);
    const key = body.slice(i, eq);
    let value = "";
    let j = eq + 1;
    for (;;) {
      const semi = body.indexOf(";", j);
      if (semi < 0) {
        value += body.slice(j);
        j = body.length;
        break;
      }
      value += body.slice(j, semi);
      if (body[semi + 1] === ";") {
        value += ";";
        j = semi + 2;
      } else {
        j = semi + 1;
        break;
      }
    }
    fields.set(key, value);
    i = j;
  }
  const cmd = fields.get("cmd");
  if (cmd === undefined) throw new PmiProtocolError(`PMI-2 message without cmd: ${body}`);
  fields.delete("cmd");
  return { cmd, fields };
}

/**
 * Splits the byte stream from the PMI server into messages: first the init answer (one line), then
 * length-prefixed PMI-2 messages. Tolerates any chunking, a byte at a time included.
 */
export class PmiDecoder {
  private pending: Buffer = Buffer.alloc(0);
  private initDone = false;

  constructor(
    private readonly onInitLine: (line: string) => void,
    private readonly onMessage: (message: PmiMessage) => void,
  ) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      if (!this.initDone) {
        const nl = this.pending.indexOf(0x0a);
        if (nl < 0) return;
        const line = this.pending.subarray(0, nl).toString("utf8");
        this.pending = this.pending.subarray(nl + 1);
        this.initDone = true;
        this.onInitLine(line);
        continue;
      }
      if (this.pending.length < LENGTH_DIGITS) return;
      const header = this.pending.subarray(0, LENGTH_DIGITS).toString("ascii");
      if (!/^\d+ *$/.test(header)) throw new PmiProtocolError(`bad PMI-2 length header ${JSON.stringify(header)}`);
      const length = Number(header.trim());
      if (this.pending.length < LENGTH_DIGITS + length) return;
      const body = this.pending.subarray(LENGTH_DIGITS, LENGTH_DIGITS + length).toString("utf8");
      this.pending = this.pending.subarray(LENGTH_DIGITS + length);
      this.onMessage(parseCommand(body));
    }
  }
}

/** A JSON value as a key-value-space value: base64url (no ';', '=' or spaces), within Slurm's limit. */
export function encodeKvsValue(value: unknown): string {
  const text = Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
  if (text.length > PMI_MAX_VALUE)
    throw new PmiProtocolError(`PMI value too long (${text.length} vs ${PMI_MAX_VALUE} characters)`);
  return text;
}

export function decodeKvsValue<T>(text: string): T {
  return JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as T;
}

function splitAt(text: string, sep: string): [string, string] {
  const at = text.indexOf(sep);
  return at < 0 ? [text, ""] : [text.slice(0, at), text.slice(at + 1)];
}
