// A PMI-2 client over the socket Slurm hands every task of an `srun --mpi=pmi2` step (PMI_FD): the
// key-value space a rank uses to publish its address and read its peers' (put / fence / get), a fence
// that doubles as a barrier, and abort. The wire format is runtime/wire/pmi.ts; requests go one at a
// time, each answered in order (Slurm's slurmstepd answers every PMI-2 command except abort).
import * as net from "node:net";
import {
  PmiDecoder,
  PmiProtocolError,
  PMI_MAX_KEY,
  checkInitResponse,
  encodeCommand,
  encodeInitLine,
  type PmiMessage,
} from "../wire/pmi.ts";

interface Waiter {
  expect: string;
  resolve: (m: PmiMessage) => void;
  reject: (e: Error) => void;
}

export class PmiClient {
  private readonly socket: net.Socket;
  private readonly waiters: Waiter[] = [];
  private initWaiter: Waiter | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private failure: Error | null = null;
  /** Rank and size as the PMI server reports them (fullinit). */
  rank = -1;
  size = 0;

  private constructor(fd: number) {
    this.socket = new net.Socket({ fd, readable: true, writable: true });
    const decoder = new PmiDecoder(
      (line) => this.settleInit(line),
      (message) => this.settle(message),
    );
    this.socket.on("data", (chunk: Buffer) => {
      try {
        decoder.push(chunk);
      } catch (err) {
        this.failAll(err as Error);
      }
    });
    this.socket.on("error", (err) => this.failAll(err));
    this.socket.on("close", () => this.failAll(new PmiProtocolError("the PMI server closed the connection")));
  }

  /** Opens the PMI-2 session on `fd`: init line, then fullinit with the step's PMI job id and our rank. */
  static async open(fd: number, jobId: string, rank: number): Promise<PmiClient> {
    const client = new PmiClient(fd);
    const line = await new Promise<string>((resolve, reject) => {
      client.initWaiter = { expect: "response_to_init", resolve: (m) => resolve(m.cmd), reject };
      client.socket.write(encodeInitLine());
    });
    checkInitResponse(line);
    const init = await client.request("fullinit", { pmijobid: jobId, pmirank: String(rank), threaded: "FALSE" });
    client.rank = Number(init.fields.get("rank"));
    client.size = Number(init.fields.get("size"));
    client.socket.unref();
    return client;
  }

  /** Publishes `key` = `value` (visible to every task after the next fence). */
  async put(key: string, value: string): Promise<void> {
    if (key.length > PMI_MAX_KEY) throw new PmiProtocolError(`PMI key too long: ${key}`);
    await this.request("kvs-put", { key, value });
  }

  /** Waits until every task of the step has called fence; puts made before it are then visible to all. */
  async fence(): Promise<void> {
    await this.request("kvs-fence");
  }

  /** Reads `key` from the step's key-value space; undefined when no task put it. */
  async get(key: string): Promise<string | undefined> {
    const answer = await this.request("kvs-get", { key });
    return answer.fields.get("found") === "TRUE" ? answer.fields.get("value") : undefined;
  }

  /** Asks Slurm to kill every task of the step (SIGKILL); there is no answer. */
  abortStep(message: string): void {
    this.socket.write(encodeCommand("abort", { isworld: "TRUE", msg: message.replace(/[;\n]/g, " ").slice(0, 512) }));
  }

  /** Ends the PMI session (the server closes the connection after its answer). */
  async finalize(): Promise<void> {
    await this.request("finalize").catch(() => undefined);
    this.socket.destroy();
  }

  /** Sends one command once the previous ones are answered; resolves with the server's answer. */
  private request(cmd: string, fields: Record<string, string> = {}): Promise<PmiMessage> {
    const next = this.chain.then(
      () =>
        new Promise<PmiMessage>((resolve, reject) => {
          if (this.failure) return reject(this.failure);
          this.socket.ref(); // a rank waiting on the PMI server is not finished
          this.waiters.push({ expect: `${cmd}-response`, resolve, reject });
          this.socket.write(encodeCommand(cmd, fields));
        }),
    );
    this.chain = next.catch(() => undefined);
    return next.then((answer) => {
      const rc = answer.fields.get("rc");
      if (rc !== undefined && rc !== "0") {
        throw new PmiProtocolError(
          `PMI-2 ${cmd} failed (rc=${rc}${answer.fields.has("errmsg") ? `: ${answer.fields.get("errmsg")}` : ""})`,
        );
      }
      return answer;
    });
  }

  private settleInit(line: string): void {
    const waiter = this.initWaiter;
    this.initWaiter = null;
    waiter?.resolve({ cmd: line, fields: new Map() });
  }

  private settle(message: PmiMessage): void {
    const waiter = this.waiters.shift();
    if (!waiter) return; // unsolicited (none are expected from Slurm)
    if (!this.waiters.length) this.socket.unref();
    if (message.cmd !== waiter.expect) {
      waiter.reject(new PmiProtocolError(`expected ${waiter.expect}, the PMI server sent ${message.cmd}`));
    } else {
      waiter.resolve(message);
    }
  }

  private failAll(err: Error): void {
    this.failure ??= err;
    const pending = [...this.waiters, ...(this.initWaiter ? [this.initWaiter] : [])];
    this.waiters.length = 0;
    this.initWaiter = null;
    for (const w of pending) w.reject(err);
  }
}
