// Client-side token bucket: at most `requestsPerMinute` on average, with bursts of up to one
// minute's budget. It also obeys the server: a Retry-After or X-RateLimit-Delay on any response
// (success included, ado-api.md §6) pauses every request until then, and a low
// X-RateLimit-Remaining slows the refill in proportion until the server's reset time.
import type { Clock } from './clock';

export interface RateLimiterOptions {
  requestsPerMinute: number;
  /** Below this share of X-RateLimit-Limit remaining, slow down (linearly, to `minFactor`). */
  lowRemainingShare?: number;
  minFactor?: number;
  /** How long a slowdown lasts when the server gives no X-RateLimit-Reset. */
  slowdownMs?: number;
}

export interface RateLimitObservation {
  limit?: number;
  remaining?: number;
  /** Unix epoch seconds (X-RateLimit-Reset). */
  resetEpochSeconds?: number;
}

export class TokenBucket {
  readonly #clock: Clock;
  readonly #ratePerMs: number;
  readonly #capacity: number;
  readonly #lowShare: number;
  readonly #minFactor: number;
  readonly #slowdownMs: number;
  #tokens: number;
  #updatedAt: number;
  #pausedUntil = 0;
  #factor = 1;
  #slowUntil = 0;

  constructor(options: RateLimiterOptions, clock: Clock) {
    if (!(options.requestsPerMinute > 0)) throw new RangeError('requestsPerMinute must be positive');
    this.#clock = clock;
    this.#ratePerMs = options.requestsPerMinute / 60_000;
    this.#capacity = Math.max(1, options.requestsPerMinute);
    this.#lowShare = options.lowRemainingShare ?? 0.2;
    this.#minFactor = options.minFactor ?? 0.1;
    this.#slowdownMs = options.slowdownMs ?? 60_000;
    this.#tokens = this.#capacity;
    this.#updatedAt = clock.now();
  }

  /** Waits for a token. Concurrent callers each reserve their own slot, in call order. */
  async acquire(signal?: AbortSignal): Promise<void> {
    const wait = this.reserve();
    if (wait <= 0) return;
    try {
      await this.#clock.sleep(wait, signal);
    } catch (error) {
      this.#tokens = Math.min(this.#capacity, this.#tokens + 1);
      throw error;
    }
  }

  /** Takes a token (possibly going into debt) and returns how long the caller must wait. */
  reserve(): number {
    const now = this.#clock.now();
    this.refill(now);
    this.#tokens -= 1;
    const debtWait = this.#tokens >= 0 ? 0 : -this.#tokens / this.currentRate(now);
    return Math.max(Math.ceil(debtWait), this.#pausedUntil - now);
  }

  /** No request may start before now + ms (Retry-After, X-RateLimit-Delay). */
  pauseFor(ms: number): void {
    if (ms > 0) this.#pausedUntil = Math.max(this.#pausedUntil, this.#clock.now() + ms);
  }

  observe(observation: RateLimitObservation): void {
    const { limit, remaining } = observation;
    if (limit === undefined || remaining === undefined || !(limit > 0)) return;
    const now = this.#clock.now();
    this.refill(now);
    const share = Math.max(0, remaining) / limit;
    if (share >= this.#lowShare) {
      this.#factor = 1;
      return;
    }
    this.#factor = Math.max(this.#minFactor, share / this.#lowShare);
    const reset = observation.resetEpochSeconds;
    this.#slowUntil = reset !== undefined && reset * 1000 > now ? reset * 1000 : now + this.#slowdownMs;
  }

  /** Requests per minute currently allowed (after any slowdown). */
  currentRequestsPerMinute(): number {
    return this.currentRate(this.#clock.now()) * 60_000;
  }

  private currentRate(now: number): number {
    if (this.#factor < 1 && now >= this.#slowUntil) this.#factor = 1;
    return this.#ratePerMs * this.#factor;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.#updatedAt);
    this.#tokens = Math.min(this.#capacity, this.#tokens + elapsed * this.currentRate(now));
    this.#updatedAt = now;
  }
}
