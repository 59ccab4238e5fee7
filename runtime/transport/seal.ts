// --secure links: the byte stream of frames cut into sealed records, AES-256-GCM with a per-connection key
// (handshake.ts). A record is [u32 LE length n][n bytes of ciphertext][16-byte tag]; the length is
// authenticated data and the 12-byte IV is the record's sequence number, so a record that is changed,
// dropped, replayed or reordered fails to open. A record opens only whole, after its tag is checked: no
// byte of an unauthenticated record ever reaches the frame decoder.
import { createCipheriv, createDecipheriv } from "node:crypto";
import { ErrorCode, MpiError } from "../errors.ts";

const ALGORITHM = "aes-256-gcm";
const TAG_BYTES = 16;
const LENGTH_BYTES = 4;
/** Largest plaintext per record: bounds what a receiver holds before it can authenticate anything. */
export const RECORD_BYTES = 64 * 1024;

function iv(sequence: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUIntBE(sequence, 6, 6);
  return b;
}

/** Seals outgoing bytes into records. */
export class Sealer {
  private sequence = 0;
  constructor(private readonly key: Buffer) {}

  /** The records carrying `parts` (cut at RECORD_BYTES). */
  seal(parts: Uint8Array[]): Buffer[] {
    const out: Buffer[] = [];
    for (const part of parts) {
      for (let at = 0; at < part.byteLength; at += RECORD_BYTES) {
        out.push(this.record(part.subarray(at, Math.min(at + RECORD_BYTES, part.byteLength))));
      }
    }
    return out;
  }

  private record(plain: Uint8Array): Buffer {
    const head = Buffer.alloc(LENGTH_BYTES);
    head.writeUInt32LE(plain.byteLength);
    const cipher = createCipheriv(ALGORITHM, this.key, iv(this.sequence++));
    cipher.setAAD(head);
    const body = cipher.update(plain);
    const rest = cipher.final();
    return Buffer.concat([head, body, rest, cipher.getAuthTag()]);
  }
}

/** Opens incoming records; hands the authenticated bytes on, in order. */
export class Opener {
  private sequence = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly key: Buffer,
    private readonly onPlain: (bytes: Buffer) => void,
  ) {}

  push(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    while (this.pendingBytes >= LENGTH_BYTES) {
      const head = this.take(LENGTH_BYTES, false);
      const n = head.readUInt32LE(0);
      if (n > RECORD_BYTES) throw tampered(`a record claims ${n} bytes (at most ${RECORD_BYTES})`);
      if (this.pendingBytes < LENGTH_BYTES + n + TAG_BYTES) return;
      const record = this.take(LENGTH_BYTES + n + TAG_BYTES, true);
      this.onPlain(this.open(record, n));
    }
  }

  private open(record: Buffer, n: number): Buffer {
    const decipher = createDecipheriv(ALGORITHM, this.key, iv(this.sequence++));
    decipher.setAAD(record.subarray(0, LENGTH_BYTES));
    decipher.setAuthTag(record.subarray(LENGTH_BYTES + n));
    const body = decipher.update(record.subarray(LENGTH_BYTES, LENGTH_BYTES + n));
    try {
      decipher.final();
    } catch {
      throw tampered("a record failed authentication");
    }
    return body;
  }

  /** The first `n` pending bytes (consumed when `consume`). */
  private take(n: number, consume: boolean): Buffer {
    if (this.pending[0].length < n) {
      const whole = Buffer.concat(this.pending);
      this.pending = [whole];
    }
    const first = this.pending[0];
    const bytes = first.subarray(0, n);
    if (consume) {
      if (first.length === n) this.pending.shift();
      else this.pending[0] = first.subarray(n);
      this.pendingBytes -= n;
    }
    return bytes;
  }

  /** True when no partial record is buffered. */
  get idle(): boolean {
    return this.pendingBytes === 0;
  }
}

function tampered(what: string): MpiError {
  return new MpiError(
    ErrorCode.ERR_PROTOCOL,
    `--secure: ${what}. The bytes were changed on the way (someone on the network tampered with them), or they do not come from this job`,
  );
}
