// What the salad lab's tsmpi programs share (exercises S1 master-worker.ts, S4 lamport-mutex.ts, S6
// fault-tolerant.ts; the salad handouts): the message tags of the master's two "methods" give_task and
// receive_result, worker names and option parsing with one-line errors (the seeded generator is ../../common/args.ts).
//
// Protocol (rank 0 is the master M, ranks 1..N the workers, as the handout's "1 maître + 3 esclaves"):
//   worker → M  TAG_GIVE_TASK   null                      "give me a task" (give_task)
//   M → worker  TAG_TASK        Task | null | {wait: true} a task, null = no more work (stop), wait = ask again later (S6)
//   worker → M  TAG_RESULT      {id, result}               the prepared fruit (receive_result)
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { Task } from "../fruits.ts";

export const TAG_GIVE_TASK = 1;
export const TAG_TASK = 2;
export const TAG_RESULT = 3;

/** The master's answer to give_task. */
export type TaskReply = Task | null | { wait: true };

/** What a worker sends with receive_result. */
export interface ResultMessage {
  id: number;
  result: string;
}

/** `worker-<rank>`: the name a worker has in PREPARED lines. */
export function workerName(rank: number): string {
  return `worker-${rank}`;
}

/** "1 pêche (tâche 3)": a task as the master's log names it. */
export function taskText(task: Task): string {
  return `1 ${task.fruit} (tâche ${task.id})`;
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * The program's options (node:util parseArgs, strict). A bad option ends the rank with one line on stderr
 * (printed by rank 0 only, so the terminal shows it once) and exit code 2.
 */
export function programOptions<O extends Options>(program: string, rank: number, options: O, usage: string) {
  try {
    return parseArgs({ args: process.argv.slice(2), options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    if (rank === 0)
      process.stderr.write(
        `${program}: ${(err as Error).message.replace(/\s*\n\s*/g, " ").replace(/\.$/, "")}. Usage: ${usage}\n`,
      );
    process.exit(2);
  }
}

/** A number option within [min, max], or a one-line error naming it. */
export function numberOption(
  program: string,
  rank: number,
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max = Infinity,
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value) || value < min || value > max) {
    if (rank === 0)
      process.stderr.write(`${program}: --${name} must be a number between ${min} and ${max}, got "${raw}"\n`);
    process.exit(2);
  }
  return value;
}

/** Stops a program that needs workers when it was started on one rank. */
export function requireWorkers(program: string, size: number, min = 1): void {
  if (size - 1 >= min) return;
  process.stderr.write(
    `${program}: rank 0 is the master and needs at least ${min} worker${min > 1 ? "s" : ""} (${size - 1} vs ${min}). Run it with tsrun -np ${min + 1} or more\n`,
  );
  process.exit(2);
}

/** Wall-clock time in milliseconds with microseconds (comparable between processes of one machine). */
export function wallMs(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000) / 1000;
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
