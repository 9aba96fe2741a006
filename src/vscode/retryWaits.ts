// Azure DevOps stopped answering: what the client waits for before its next try (from its retry
// notices), for the progress notification and the status bar; and the waits themselves, which end
// early when the user acts or a poll starts, so that a server that is back is used at once.
// vscode-free (unit-tested).
import * as l10n from '@vscode/l10n';
import { realSleep, type Sleep } from '../core/ado/clock';
import type { RetryNotice } from '../core/ado/httpTransport';
import { errorMessage } from '../core/errorMessage';

/** The abort reason of a wait ended by wake(), told apart from the caller's cancel. */
const WOKEN = Symbol('woken');

export interface RetryWait {
  /** 1 for the first retry. */
  readonly retry: number;
  readonly maxRetries: number;
  /** When the next try goes out (epoch ms). */
  readonly until: number;
  readonly reason: string;
}

export class RetryWaits {
  private readonly wakers = new Set<() => void>();
  private readonly listeners = new Set<(wait: RetryWait | undefined) => void>();
  private latest: RetryWait | undefined;

  constructor(private readonly now: () => number = Date.now, private readonly sleepFor: Sleep = realSleep) {}

  /** The wait in progress (the latest notice while any retry waits), else undefined. */
  get current(): RetryWait | undefined {
    return this.latest;
  }

  /** The client's onRetry: told before each wait. */
  readonly notice = (notice: RetryNotice): void => {
    this.set({ retry: notice.retry, maxRetries: notice.maxRetries, until: this.now() + notice.delayMs, reason: errorMessage(notice.error) });
  };

  /** The client's retrySleep: the backoff wait, cut short by wake(); the caller's signal still cancels it. */
  readonly sleep: Sleep = async (ms, signal) => {
    const local = new AbortController();
    const follow = (): void => local.abort(signal?.reason);
    if (signal?.aborted) follow();
    signal?.addEventListener('abort', follow, { once: true });
    const wake = (): void => local.abort(WOKEN);
    this.wakers.add(wake);
    try {
      await this.sleepFor(ms, local.signal);
    } catch (error) {
      if (local.signal.reason !== WOKEN) throw error;
    } finally {
      signal?.removeEventListener('abort', follow);
      this.wakers.delete(wake);
      if (this.wakers.size === 0) this.set(undefined);
    }
  };

  /** Ends every retry wait now (a user action, a poll): the next try goes out at once. Returns how many were waiting. */
  wake(): number {
    const count = this.wakers.size;
    for (const wake of [...this.wakers]) wake();
    return count;
  }

  onChange(listener: (wait: RetryWait | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  private set(wait: RetryWait | undefined): void {
    this.latest = wait;
    for (const listener of this.listeners) {
      try { listener(wait); } catch { /* a view's listener must not break a retry */ }
    }
  }
}

/** "connection lost, retrying in 7 s (retry 2 of 3)". */
export function retryText(wait: RetryWait, now: number): string {
  const seconds = Math.max(0, Math.ceil((wait.until - now) / 1000));
  return l10n.t('connection lost, retrying in {0} s (retry {1} of {2})', seconds, wait.retry, wait.maxRetries);
}
