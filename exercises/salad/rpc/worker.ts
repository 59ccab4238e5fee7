// Salad exercise S2, a worker (handout handouts/S2.md): asks the master for a fruit
// over RPC, prepares it, sends the result back, and stops when the master has nothing left. Start several,
// each a separate process.
//
//   npx tsx exercises/salad/rpc/worker.ts [--master ws://127.0.0.1:18861] [--name W] [--time-scale X]
import { parseArgs } from "node:util";
import { prepare, timeScale, type Task } from "../fruits.ts";
import { connectRpc, RpcError, type RpcConnection } from "./rpc.ts";

/** The handout's loop: ask, prepare, send, until the master answers "no task". Returns the fruit count. */
export async function runWorker(
  conn: RpcConnection,
  name: string,
  scale: number,
  log: (line: string) => void,
): Promise<number> {
  // SOLUTION BEGIN: ask the master for a task (give_task), log it, prepare it, log and send the result (receive_result), until give_task answers null; return how many were prepared
  // STARTER: return 0;
  let done = 0;
  let task = (await conn.root.give_task(name)) as Task | null;
  while (task) {
    log(`[${name}] [T-${String(task.id).padStart(2, "0")}] 1 ${task.fruit} à préparer reçue`);
    const result = await prepare(task, scale);
    log(`[${name}] [T-${String(task.id).padStart(2, "0")}] ${result}, envoyée`);
    await conn.root.receive_result(name, task, result);
    done++;
    task = (await conn.root.give_task(name)) as Task | null;
  }
  return done;
  // SOLUTION END
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      master: { type: "string", default: "ws://127.0.0.1:18861" },
      name: { type: "string", default: `worker-${process.pid}` },
      "time-scale": { type: "string" },
    },
    strict: true,
  });
  const scale = timeScale(values["time-scale"]);
  const name = values.name!;
  const conn = await connectRpc(values.master!);
  try {
    const done = await runWorker(conn, name, scale, (line) => console.log(line));
    console.log(`[${name}] plus de fruit à préparer (${done} préparés)`);
    conn.close();
  } catch (err) {
    const closed = err instanceof RpcError && err.code === "CONNECTION_CLOSED";
    const how = closed ? await conn.closed : undefined;
    if (how?.code === 1000 && how.reason === "salad ready") {
      console.log(`[${name}] la salade est prête, le maître a fermé`);
      return;
    }
    throw err;
  }
}

main().catch((err: Error) => {
  console.error(`worker: ${err.message.replace(/\s*\n\s*/g, " ")}`);
  process.exit(1);
});
