/** What the job worker does with a failed job: retry later, reschedule (rate limit), or dead-letter. */
export type RetryDecision =
  | { kind: 'retry'; attempts: number; runAfterMs: number }
  | { kind: 'reschedule'; attempts: number; runAfterMs: number }
  | { kind: 'deadLetter'; attempts: number };

export interface RetryInput {
  /** Attempts already used, before this failure. */
  attempts: number;
  maxAttempts: number;
  /** A 429 / Retry-After: rescheduled without using up an attempt. */
  retryAfterMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** 0..1, injected so tests are deterministic. */
  random: () => number;
}

/** Exponential backoff with full jitter, capped; rate-limit reschedules keep the attempt count. */
export function decideRetry(input: RetryInput): RetryDecision {
  if (input.retryAfterMs !== undefined) return { kind: 'reschedule', attempts: input.attempts, runAfterMs: input.retryAfterMs };
  const attempts = input.attempts + 1;
  if (attempts >= input.maxAttempts) return { kind: 'deadLetter', attempts };
  const base = input.baseDelayMs ?? 1000;
  const cap = Math.min(input.maxDelayMs ?? 5 * 60_000, base * 2 ** (attempts - 1));
  return { kind: 'retry', attempts, runAfterMs: Math.round(cap / 2 + input.random() * (cap / 2)) };
}
