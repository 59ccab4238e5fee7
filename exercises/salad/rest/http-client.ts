// Salad exercise S7: the HTTP side of the REST worker and client — JSON requests with fetch, and a retry
// loop that rides out a server restart (connection refused) for a bounded time, then stops with one message.

export interface JsonAnswer {
  status: number;
  /** The parsed JSON answer (an object for this API), or undefined for an empty body. */
  body: Record<string, unknown> | undefined;
}

/** One JSON request. Throws a ServerUnreachable when no HTTP answer came back. */
export async function requestJson(base: string, method: string, path: string, body?: unknown): Promise<JsonAnswer> {
  let res: Response;
  try {
    res = await fetch(new URL(path, base), {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    const cause = (err as { cause?: NodeJS.ErrnoException }).cause;
    throw new ServerUnreachable(
      `${base} did not answer ${method} ${path} (${cause?.code ?? cause?.message ?? (err as Error).message})`,
    );
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = { error: text };
  }
  const isObject = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed);
  return {
    status: res.status,
    body: isObject ? (parsed as Record<string, unknown>) : parsed === undefined ? undefined : { value: parsed },
  };
}

export class ServerUnreachable extends Error {}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it gets an HTTP answer. While the server is unreachable, waits `pollMs` and tries
 * again, for at most `patienceMs` in a row; says once per outage that it is waiting.
 */
export async function untilAnswered<T>(
  attempt: () => Promise<T>,
  pollMs: number,
  patienceMs: number,
  log: (line: string) => void,
): Promise<T> {
  let outageStart: number | undefined;
  for (;;) {
    try {
      const answer = await attempt();
      if (outageStart !== undefined) log("server reachable again");
      return answer;
    } catch (err) {
      if (!(err instanceof ServerUnreachable)) throw err;
      outageStart ??=
        (log(`server unreachable, retrying for up to ${patienceMs / 1000} s: ${err.message}`), Date.now());
      if (Date.now() - outageStart > patienceMs)
        throw new Error(`gave up after ${patienceMs / 1000} s: ${err.message}. Is the server running?`, { cause: err });
      await sleep(pollMs);
    }
  }
}

/** Polling period for a time scale: a tenth of a time unit, kept within 20..200 ms. */
export function pollPeriodMs(scale: number): number {
  return Math.min(200, Math.max(20, scale * 100));
}
