// A private MQTT broker for grader S4-broker and its tests: Debian's mosquitto, started on a free loopback
// port with its own configuration in a fresh mkdtemp directory (no system service, no persistence, no
// file outside that directory), stopped and removed by `stop()`. TSMPI_GRADE_MQTT=mqtt://HOST:PORT uses
// a broker already running instead (nothing is started then).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

export interface Broker {
  url: string;
  stop(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer().once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port }, () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });

/** mosquitto's path, or undefined when it is not installed. */
export function mosquittoPath(): string | undefined {
  for (const candidate of ["/usr/sbin/mosquitto", "/usr/bin/mosquitto"]) if (fs.existsSync(candidate)) return candidate;
  const which = spawnSync("sh", ["-c", "command -v mosquitto"], { encoding: "utf8" });
  return which.status === 0 ? which.stdout.trim() : undefined;
}

/** Starts a private mosquitto (or takes TSMPI_GRADE_MQTT); rejects with one line when it cannot. */
export async function startBroker(): Promise<Broker> {
  if (process.env.TSMPI_GRADE_MQTT) return { url: process.env.TSMPI_GRADE_MQTT, stop: async () => {} };
  const binary = mosquittoPath();
  if (!binary)
    throw new Error("mosquitto is not installed (apt-get install -y mosquitto), and TSMPI_GRADE_MQTT names no broker");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsmpi-mosquitto-"));
  let child: ChildProcess | undefined;
  let log = "";
  try {
    const port = await freePort();
    fs.writeFileSync(
      path.join(dir, "mosquitto.conf"),
      `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stderr\n`,
      { mode: 0o600 },
    );
    const started = spawn(binary, ["-c", path.join(dir, "mosquitto.conf")], {
      cwd: dir,
      stdio: ["ignore", "ignore", "pipe"],
    });
    child = started;
    started.stderr!.setEncoding("utf8").on("data", (d: string) => (log += d));
    const exited = new Promise<void>((resolve) => started.once("exit", () => resolve()));
    const deadline = Date.now() + 15_000;
    while (!(await accepts(port))) {
      if (started.exitCode !== null || Date.now() > deadline)
        throw new Error(`mosquitto did not start on 127.0.0.1:${port}: ${log.trim().split("\n").pop() ?? "no output"}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return {
      url: `mqtt://127.0.0.1:${port}`,
      async stop() {
        started.kill("SIGTERM");
        await exited;
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    child?.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
