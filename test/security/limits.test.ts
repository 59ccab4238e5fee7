// Findings 2 and 5 at the transport, with real sockets and a real second user: a socket directory someone
// else created is refused before anything listens in it, and a peer that proved the secret but claims a
// 2 GiB frame makes the receiver allocate only as bytes arrive (a header alone costs almost nothing).
import { afterAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as net from "node:net";
import { randomBytes } from "node:crypto";
import { Transport } from "../../runtime/transport/transport.ts";
import { linkProof } from "../../runtime/transport/handshake.ts";
import { FrameKind } from "../../runtime/protocol.ts";
import {
  FrameDecoder,
  HEADER_BYTES,
  MAX_PAYLOAD_BYTES,
  PREALLOCATE_BYTES,
  encodeFrame,
  writeHeader,
} from "../../runtime/wire/frame.ts";
import { ready } from "../harness/requires.ts";
import { ATTACKER, runAs, twoUsers } from "./users.ts";

const secret = randomBytes(32);

function transport(
  rank: number,
  socketDir: string,
  onError: (err: Error) => void = () => {},
  onStranger: (why: string) => void = () => {},
) {
  return new Transport({
    rank,
    size: 2,
    secret,
    hostId: "h",
    kind: "unix",
    socketDir,
    tcpBind: "127.0.0.1",
    onFrame: () => {},
    onPeerError: (_peer, err) => onError(err),
    onStranger: (_remote, why) => onStranger(why),
  });
}

/** Connects to rank 1 at `unix` as rank 0 of the job (it knows the secret); `then` runs once proven. */
function connectAsRank0(unix: string, then: (socket: net.Socket) => void): net.Socket {
  const socket = net.connect(unix);
  const myNonce = randomBytes(16);
  socket.write(myNonce);
  let theirs = Buffer.alloc(0);
  socket.on("data", (d: Buffer) => {
    const first = theirs.length < 16;
    theirs = Buffer.concat([theirs, d]);
    if (!first || theirs.length < 16) return;
    const proof = linkProof(secret, "c2a", theirs.subarray(0, 16), myNonce, 0, 1);
    for (const b of encodeFrame(
      { kind: FrameKind.HELLO, enc: 0, flags: 0, context: 0, tag: 0, id: 0, size: 0, sig: 0 },
      proof,
    ))
      socket.write(b);
    then(socket);
  });
  socket.on("error", () => {});
  return socket;
}

const hugeHeader = () => {
  const head = Buffer.alloc(HEADER_BYTES);
  writeHeader(
    head,
    0,
    { kind: FrameKind.EAGER, enc: 0, flags: 0, context: 0, tag: 0, id: 0, size: 0, sig: 0 },
    2 ** 31 - 64,
  );
  return head;
};

describe.skipIf(!ready(twoUsers))("a socket directory prepared by another user", () => {
  const planted = `/tmp/tsmpi-planted-${randomBytes(6).toString("hex")}`;
  afterAll(() => fs.rmSync(planted, { recursive: true, force: true }));

  it("is refused with a message, and nothing listens in it", async () => {
    expect((await runAs(ATTACKER, "/bin/mkdir", ["-m", "700", planted])).code).toBe(0);
    await expect(transport(0, planted).listen()).rejects.toThrow(
      /rank 0 refuses its socket directory: .* belongs to uid \d+, not to you/,
    );
    expect(fs.readdirSync(planted)).toEqual([]);
    // Opened to everyone by its owner: still not ours.
    expect((await runAs(ATTACKER, "/bin/chmod", ["777", planted])).code).toBe(0);
    await expect(transport(0, planted).listen()).rejects.toThrow(/belongs to uid/);
  });
});

describe("a frame header claiming 2 GiB", () => {
  it("makes the decoder hold only what has arrived, growing by doubling", () => {
    const frames: number[] = [];
    const decoder = new FrameDecoder((f) => frames.push(f.payload.length));
    decoder.push(hugeHeader());
    decoder.push(Buffer.alloc(1000));
    expect(decoder.bufferedCapacity).toBe(PREALLOCATE_BYTES);
    decoder.push(Buffer.alloc(PREALLOCATE_BYTES));
    expect(decoder.bufferedCapacity).toBe(2 * PREALLOCATE_BYTES);
    expect(frames).toEqual([]);
  });

  it("a large frame still arrives whole and intact across the growth", () => {
    const payload = randomBytes(3 * PREALLOCATE_BYTES + 12345);
    let got: Uint8Array | null = null;
    const decoder = new FrameDecoder((f) => (got = f.payload));
    const [head, body] = encodeFrame(
      { kind: FrameKind.EAGER, enc: 0, flags: 0, context: 0, tag: 1, id: 0, size: 0, sig: 0 },
      payload,
    );
    decoder.push(head);
    for (let at = 0; at < body.length; at += 65536) decoder.push(body.subarray(at, at + 65536));
    expect(Buffer.from(got!).equals(payload)).toBe(true);
  });

  it("one MAX_PAYLOAD for encoder and decoder: the largest encodable payload decodes, one byte more is refused", () => {
    const head = Buffer.alloc(HEADER_BYTES);
    const h = { kind: FrameKind.EAGER, enc: 0, flags: 0, context: 0, tag: 0, id: 0, size: 0, sig: 0 };
    expect(() => writeHeader(head, 0, h, MAX_PAYLOAD_BYTES + 1)).toThrow(/exceeds the largest frame payload/);
    writeHeader(head, 0, h, MAX_PAYLOAD_BYTES);
    const decoder = new FrameDecoder(() => {});
    expect(() => decoder.push(head)).not.toThrow();
  });

  it("from an authenticated peer over a real socket: the receiver's memory does not jump by 2 GiB", async () => {
    const dir = fs.mkdtempSync("/tmp/tsmpi-limits-");
    let failed!: (err: Error) => void;
    const peerError = new Promise<Error>((resolve) => (failed = resolve));
    const victim = transport(1, dir, (err) => failed(err));
    const address = await victim.listen();
    const before = process.memoryUsage().arrayBuffers;
    // A rank of the job (it knows the secret) writing the handshake by hand, then the lying header.
    const socket = connectAsRank0(address.unix!, (s) => {
      s.write(hugeHeader());
      s.end(Buffer.alloc(64 * 1024));
    });
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    await closed;
    const error = await peerError; // the receiver has consumed every byte and seen the end
    const grew = process.memoryUsage().arrayBuffers - before;
    expect(error.message).toMatch(/connection from rank 0 closed in the middle of a frame/);
    expect(grew).toBeLessThan(64 * 1024 * 1024);
    await victim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("one connection per peer rank: a second one proving the same rank is refused", async () => {
    const dir = fs.mkdtempSync("/tmp/tsmpi-limits-");
    let refused!: (why: string) => void;
    const refusal = new Promise<string>((resolve) => (refused = resolve));
    const victim = transport(
      1,
      dir,
      () => {},
      (why) => refused(why),
    );
    const address = await victim.listen();
    const first = connectAsRank0(address.unix!, () => {});
    await new Promise<void>((resolve) => {
      let got = 0;
      first.on("data", (d: Buffer) => (got += d.length) >= 48 && resolve()); // its nonce, then its proof: accepted
    });
    await new Promise<void>((resolve) => connectAsRank0(address.unix!, () => {}).on("close", () => resolve()));
    expect(await refusal).toMatch(/rank 0 is already connected \(one connection per peer\)/);
    expect(first.destroyed).toBe(false);
    first.destroy();
    await victim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
