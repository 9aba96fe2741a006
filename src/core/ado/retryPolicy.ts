// When to try a request again and how long to wait first (DESIGN.md principle 6).
// Retried: network errors and timeouts, 408, 429, 500, 502, 503, 504. Never: 401/403 (account
// lockouts on Server), other 4xx, cancellation. Waits use exponential backoff with full jitter
// (random in [0, min(cap, base * 2^attempt)]), and never less than what the server asked for
// in Retry-After.
import { AdoError, NetworkError, RateLimitedError, ServerError } from './errors';

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

export interface RetryPolicyOptions {
  maxRetries: number;
  backoff: BackoffOptions;
  random: () => number;
  /** A server asking us to wait longer than this fails the request instead (the caller reschedules). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicyOptions = {
  maxRetries: 5,
  backoff: { baseMs: 500, capMs: 30_000 },
  random: Math.random,
  maxRetryAfterMs: 5 * 60_000,
};

export type Idempotency = 'idempotent' | 'unsafe';

export function fullJitterDelay(attempt: number, backoff: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(backoff.capMs, backoff.baseMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/** Retry-After in ms: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** X-RateLimit-Delay: seconds with up to three decimals (ado-api.md §6). */
export function parseSeconds(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  const seconds = Number(value.trim());
  return Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : undefined;
}

export class RetryPolicy {
  constructor(readonly options: RetryPolicyOptions) {}

  /**
   * Whether to send again after `error` on the given 0-based attempt. An unsafe (non-idempotent)
   * request is repeated only when the server surely did not act on it: throttled (429), or the
   * request never left this machine.
   */
  shouldRetry(error: unknown, attempt: number, idempotency: Idempotency): boolean {
    if (attempt >= this.options.maxRetries) return false;
    if (!(error instanceof AdoError) || !error.retryable) return false;
    const wait = serverWaitMs(error);
    if (wait !== undefined && wait > this.options.maxRetryAfterMs) return false;
    if (idempotency === 'idempotent') return true;
    if (error instanceof RateLimitedError) return true;
    return error instanceof NetworkError && !error.requestSent;
  }

  delayMs(error: unknown, attempt: number): number {
    const jitter = fullJitterDelay(attempt, this.options.backoff, this.options.random);
    return Math.max(jitter, serverWaitMs(error) ?? 0);
  }
}

function serverWaitMs(error: unknown): number | undefined {
  if (error instanceof RateLimitedError || error instanceof ServerError) return error.retryAfterMs;
  return undefined;
}
