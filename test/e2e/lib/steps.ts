// Bounded steps: every wait of the e2e run has a deadline and says what it was waiting for.
export class StepTimeoutError extends Error {
  constructor(step: string, timeoutMs: number, detail?: string) {
    super(`${step}: not done in ${Math.round(timeoutMs / 1000)} s` + (detail ? `\n${detail}` : ''));
    this.name = 'StepTimeoutError';
  }
}

/** Resolves like work, or rejects with StepTimeoutError (detail() adds e.g. a log tail). */
export async function withTimeout<T>(step: string, timeoutMs: number, work: Promise<T>, detail?: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StepTimeoutError(step, timeoutMs, detail?.())), timeoutMs);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls check() until it returns a value other than undefined, or the step times out. */
export async function pollUntil<T>(step: string, timeoutMs: number, check: () => Promise<T | undefined> | T | undefined, detail?: () => string, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw new StepTimeoutError(step, timeoutMs, detail?.());
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work();
  return { value, ms: Math.round(performance.now() - start) };
}
