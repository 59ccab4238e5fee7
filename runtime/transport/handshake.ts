// The proofs two ranks exchange when one connects to the other, so that each knows the other holds the
// per-job secret (mutual authentication), and the keys of --secure links. Pure functions, no I/O.
//
//   acceptor → connector   Na (16 random bytes)          connector → acceptor   Nc (16 random bytes)
//   connector → acceptor   HELLO frame, id = its rank, payload = HMAC(secret, "c2a" ‖ Na ‖ Nc ‖ src ‖ dst)
//   acceptor → connector   32 bytes: HMAC(secret, "a2c" ‖ Na ‖ Nc ‖ src ‖ dst)
// Both nonces make each proof fresh for both sides (no replay), both ranks bind it to this pair (a proof for
// rank 2 is worthless at rank 3) and the direction label keeps a proof from being reflected back. Frames
// flow only from connector to acceptor; under --secure they are sealed with a key derived from the same
// inputs (HKDF-SHA256), so a key is never used on two connections.
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";

export const NONCE_BYTES = 16;
export const PROOF_BYTES = 32;

export type Direction = "c2a" | "a2c";

function ranks(src: number, dst: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32LE(src >>> 0, 0);
  b.writeUInt32LE(dst >>> 0, 4);
  return b;
}

/** The proof one side of the connection src → dst sends (see the header). */
export function linkProof(
  secret: Buffer,
  direction: Direction,
  acceptorNonce: Buffer,
  connectorNonce: Buffer,
  src: number,
  dst: number,
): Buffer {
  return createHmac("sha256", secret)
    .update(`tsmpi-link-${direction}`)
    .update(acceptorNonce)
    .update(connectorNonce)
    .update(ranks(src, dst))
    .digest();
}

/** The AEAD key of the frames of one connection src → dst (--secure). */
export function linkKey(
  secret: Buffer,
  acceptorNonce: Buffer,
  connectorNonce: Buffer,
  src: number,
  dst: number,
): Buffer {
  const salt = Buffer.concat([acceptorNonce, connectorNonce]);
  const info = Buffer.concat([Buffer.from("tsmpi-frames-c2a"), ranks(src, dst)]);
  return Buffer.from(hkdfSync("sha256", secret, salt, info, 32));
}

/** Collects the first bytes of a connection (nonces, proofs) until `n` have arrived. */
export class Prefix {
  private bytes = Buffer.alloc(0);
  /** The first `n` bytes and whatever followed, once `n` have arrived. */
  take(chunk: Buffer, n: number): [Buffer, Buffer] | null {
    this.bytes = Buffer.concat([this.bytes, chunk]);
    if (this.bytes.length < n) return null;
    const all = this.bytes;
    this.bytes = Buffer.alloc(0);
    return [all.subarray(0, n), all.subarray(n)];
  }
}

export function sameBytes(a: Buffer, b: Uint8Array): boolean {
  return a.length === b.byteLength && timingSafeEqual(a, b);
}
