// The attacker's side of the security tests: run as another Unix user with plain node (no tsmpi).
//   listen tcp|unix PATH   take an address a rank will connect to; answer the handshake without the secret
//   proxy HOST PORT FLIP   relay to a rank, flipping the byte at offset FLIP of what the connecting rank sends
//                          (-1: flip nothing)
//   flood HOST PORT N      open N idle connections; say so once each got a nonce or was closed
//   control HOST PORT      send the JSON line `null`, then a line that never ends; say how each was answered
//   http URL BODY          POST BODY (JSON text) to URL; print the status
//   ws URL BYTES           send one WebSocket message of BYTES bytes; print the close code
//   finger HOST PORT N     send N finger queries at once; print each answer's first line
// Every mode prints lines the test reads (READY …, then what it saw).
import * as net from "node:net";
import * as fs from "node:fs";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";

const [mode, a, b, c] = process.argv.slice(2);
const say = (line) => process.stdout.write(`${line}\n`);

if (mode === "listen") {
  const server = net.createServer((socket) => {
    let received = Buffer.alloc(0);
    socket.write(randomBytes(16)); // a nonce, as a rank would
    socket.on("data", (d) => {
      const before = received.length;
      received = Buffer.concat([received, d]);
      if (before < 76 && received.length >= 76) socket.write(randomBytes(32)); // a proof it cannot compute
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      say(`RECEIVED ${received.length} bytes; the message seen: ${received.includes("the secret message") ? "yes" : "no"}`);
      server.close();
    });
  });
  if (a === "unix") {
    server.listen(b, () => {
      fs.chmodSync(b, 0o777);
      say(`READY ${b}`);
    });
  } else server.listen(0, "127.0.0.1", () => say(`READY 127.0.0.1:${server.address().port}`));
} else if (mode === "proxy") {
  const flip = Number(c);
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(b), a);
    let offset = 0;
    client.on("data", (d) => {
      if (flip >= offset && flip < offset + d.length) {
        d = Buffer.from(d);
        d[flip - offset] ^= 0x20;
        say("FLIPPED");
      }
      offset += d.length;
      upstream.write(d);
    });
    upstream.on("data", (d) => client.write(d));
    for (const s of [client, upstream]) s.on("error", () => {});
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  server.listen(0, "127.0.0.1", () => say(`READY 127.0.0.1:${server.address().port}`));
} else if (mode === "flood") {
  const n = Number(c);
  let admitted = 0;
  let refused = 0;
  const sockets = [];
  const settle = () => {
    if (admitted + refused === n) say(`ANSWERED ${n}`);
  };
  for (let i = 0; i < n; i++) {
    const s = net.connect(Number(b), a);
    let got = 0;
    let counted = false;
    s.on("data", (d) => {
      got += d.length;
      if (got >= 16 && !counted) { counted = true; admitted++; settle(); }
    });
    s.on("error", () => {});
    s.on("close", () => {
      if (!counted) { counted = true; refused++; settle(); }
    });
    sockets.push(s);
  }
  process.stdin.on("data", () => process.exit(0)); // hold the connections until told to stop
} else if (mode === "control") {
  const attempt = (payload, label) =>
    new Promise((resolve) => {
      const s = net.connect(Number(b), a);
      s.on("error", () => {});
      s.on("data", () => {}); // read what is sent (the nonce), so that the end of the stream is seen
      s.on("connect", () => s.write(payload));
      s.on("close", () => resolve(say(`${label} CLOSED`)));
    });
  await attempt("null\n", "NULL");
  // An endless line: 1 MiB without a newline, then more until the connection is closed.
  await new Promise((resolve) => {
    const s = net.connect(Number(b), a);
    const chunk = "x".repeat(64 * 1024);
    let sent = 0;
    const pump = () => {
      while (!s.destroyed && sent < 64 * 1024 * 1024 && s.write(chunk)) sent += chunk.length;
    };
    s.on("connect", pump);
    s.on("drain", pump);
    s.on("data", () => {});
    s.on("error", () => {});
    s.on("close", () => resolve(say(`ENDLESS CLOSED after ${sent} bytes`)));
  });
}

if (mode === "http") {
  const res = await fetch(a, { method: "POST", headers: { "content-type": "application/json" }, body: b });
  say(`STATUS ${res.status} ${JSON.stringify(await res.text())}`);
} else if (mode === "ws") {
  const { WebSocket } = createRequire(new URL("../../../package.json", import.meta.url))("ws");
  const socket = new WebSocket(a);
  socket.on("open", () => socket.send(Buffer.alloc(Number(b), 0x41)));
  socket.on("error", () => {});
  socket.on("close", (code) => say(`CLOSED ${code}`));
} else if (mode === "finger") {
  for (let i = 0; i < Number(c); i++) {
    const s = net.connect(Number(b), a, () => s.write(`user${i}\r\n`));
    let text = "";
    s.setEncoding("utf8");
    s.on("data", (d) => {
      if (!text.includes("\n") && (text += d).includes("\n")) say(`ANSWER ${i} ${text.split("\n")[0].trim()}`);
    });
    s.on("error", () => {});
  }
}
