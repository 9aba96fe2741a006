// Per-token request limit of the HTTP API: a fixed one-minute window per token. One caller's
// loop should not starve the others; a window is coarse but needs no timers and no store writes.
export class TokenRateLimit {
  private readonly windows = new Map<number, { start: number; count: number }>();

  constructor(private readonly perMinute: number, private readonly now: () => number = Date.now) {}

  /** Counts a request; the seconds to wait when the token is over its limit, else undefined. */
  take(tokenId: number): number | undefined {
    const t = this.now();
    const w = this.windows.get(tokenId);
    if (!w || t - w.start >= 60_000) {
      this.windows.set(tokenId, { start: t, count: 1 });
      return undefined;
    }
    if (w.count >= this.perMinute) return Math.max(1, Math.ceil((w.start + 60_000 - t) / 1000));
    w.count++;
    return undefined;
  }
}
