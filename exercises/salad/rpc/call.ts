// Salad exercise S2, a one-shot RPC caller (the handout's `conn.root.f()` typed in a Python console): calls
// methods of the master by name and prints what came back, to see that only exposed methods answer.
//
//   npx tsx exercises/salad/rpc/call.ts --master ws://127.0.0.1:18861 [--args '[json, …]'] METHOD…
//
// Output, one line per method: `RESULT <method> <json>` or `ERROR <method> <code> <message>`.
// Exit code 0 when every call answered, 1 when one failed (refused included).
import { parseArgs } from "node:util";
import { connectRpc, RpcError } from "./rpc.ts";

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { master: { type: "string", default: "ws://127.0.0.1:18861" }, args: { type: "string", default: "[]" } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length === 0) throw new Error("name at least one method to call, e.g. give_task");
  let args: unknown;
  try {
    args = JSON.parse(values.args!);
  } catch {
    throw new Error(`--args must be a JSON array, got ${values.args}`);
  }
  if (!Array.isArray(args)) throw new Error(`--args must be a JSON array, got ${values.args}`);
  const conn = await connectRpc(values.master!);
  let failed = 0;
  for (const method of positionals) {
    try {
      console.log(`RESULT ${method} ${JSON.stringify((await conn.call(method, ...args)) ?? null)}`);
    } catch (err) {
      failed++;
      const code = err instanceof RpcError ? err.code : "ERROR";
      console.log(`ERROR ${method} ${code} ${(err as Error).message}`);
    }
  }
  conn.close();
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`call: ${err.message.replace(/\s*\n\s*/g, " ")}`);
    process.exit(1);
  },
);
