// Output forwarding as mpirun does it: every line of every rank reaches the terminal whole (never two
// ranks' text in one line), in order per rank; stderr stays stderr; --tag-output prefixes "[rank] ".
import type { Readable, Writable } from "node:stream";
import { LineSplitter } from "../runtime/wire/bootstrap.ts";

export interface OutputOptions {
  tagOutput: boolean;
}

/** Forwards a rank's stream line by line to `sink`; resolves when the stream ends (last partial line flushed). */
export function forwardLines(stream: Readable, sink: Writable, rank: number, options: OutputOptions): Promise<void> {
  const prefix = options.tagOutput ? `[${rank}] ` : "";
  const splitter = new LineSplitter((line) => sink.write(`${prefix}${line}\n`));
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => splitter.push(chunk));
  return new Promise((resolve) => {
    stream.on("error", () => resolve());
    stream.on("close", () => {
      splitter.flush();
      resolve();
    });
  });
}
