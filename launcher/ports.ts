// A TCP port that is free on this machine now, for programs that start servers on ports they choose (the
// socket exercises' --spawn modes, their graders and tests): one helper, exported by "tsmpi/launcher".
import * as net from "node:net";

/** A TCP port free on 127.0.0.1 at the time of the call (another program may take it before it is used). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
