/**
 * Keeps a design's escapes from the virtual world inside its run. While a simulation runs,
 * the real timers (`setTimeout`, `setInterval`, `setImmediate`) and `process.exit` throw
 * instead: a design calling them fails its run with a `model-error` that says what it did and
 * what to use instead, rather than firing callbacks into a finished run (a stack trace after
 * the report) or ending hasim itself. A simulation is synchronous, so nothing of hasim's own
 * can need the real timers while they are swapped out.
 */

const TIMERS = ['setTimeout', 'setInterval', 'setImmediate'] as const;

export function withoutRealTime<T>(body: () => T): T {
  const global = globalThis as unknown as Record<string, unknown>;
  const saved = TIMERS.map((name) => global[name]);
  const exit = process.exit;
  for (const name of TIMERS) {
    global[name] = () => {
      throw new Error(`the design called the real ${name}: designs run on virtual time; use ctx.setTimer`);
    };
  }
  process.exit = ((code?: number) => {
    throw new Error(`the design called process.exit(${code ?? ''}): a design must not end the process; throw an Error to fail the run`);
  }) as typeof process.exit;
  try {
    return body();
  } finally {
    TIMERS.forEach((name, i) => (global[name] = saved[i]));
    process.exit = exit;
  }
}
