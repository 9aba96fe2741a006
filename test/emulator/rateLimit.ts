// Rate limiting as the service does it (ado-api.md §6): from half of the delay threshold on, the
// X-RateLimit-* headers announce it with Remaining falling; requests past a fraction of the budget
// are delayed (X-RateLimit-Delay); past the budget they are blocked with 429 + TF400733.
// The budget is counted in requests per sliding minute (the emulator's stand-in for TSTUs).
import { AdoError } from './wire';

export interface RateLimitOptions {
  requestsPerMinute: number;
  delayAfterFraction?: number;
}

export interface RateDecision {
  delayMs: number;
  headers: Record<string, string>;
}

const WINDOW_MS = 60_000;
const MAX_DELAY_MS = 2_000;
export const RATE_RESOURCE = 'WorkItemTracking/Emulator';

export class RateLimiter {
  private readonly stamps: number[] = [];

  constructor(private readonly options: RateLimitOptions) {}

  /** Counts a request; throws the 429 when over budget. */
  admit(now = Date.now()): RateDecision {
    while (this.stamps.length && this.stamps[0] <= now - WINDOW_MS) this.stamps.shift();
    const limit = this.options.requestsPerMinute;
    const delayAfter = Math.floor(limit * (this.options.delayAfterFraction ?? 0.8));
    const used = this.stamps.length;
    const reset = Math.ceil(((this.stamps[0] ?? now) + WINDOW_MS) / 1000);
    const common = { 'X-RateLimit-Resource': RATE_RESOURCE, 'X-RateLimit-Limit': String(delayAfter), 'X-RateLimit-Reset': String(reset) };
    // The headers come before any delay, from half the budget on, with Remaining falling (§6).
    if (used < delayAfter) {
      this.stamps.push(now);
      const announced = used + 1 >= Math.floor(delayAfter / 2);
      return { delayMs: 0, headers: announced ? { ...common, 'X-RateLimit-Remaining': String(delayAfter - used - 1) } : {} };
    }
    if (used >= limit) {
      const retryAfter = Math.max(1, reset - Math.floor(now / 1000));
      throw new AdoError(
        429,
        `TF400733: The request has been canceled: Request was blocked due to exceeding usage of resource '${RATE_RESOURCE}' in namespace 'User'.`,
        'RequestBlockedException',
        { ...common, 'Retry-After': String(retryAfter), 'X-RateLimit-Remaining': '0', 'X-RateLimit-Delay': '0.000' },
      );
    }
    this.stamps.push(now);
    const over = used - delayAfter + 1;
    const delayMs = Math.min(MAX_DELAY_MS, over * 50);
    return { delayMs, headers: { ...common, 'X-RateLimit-Remaining': '0', 'X-RateLimit-Delay': (delayMs / 1000).toFixed(3), 'Retry-After': '1' } };
  }
}
