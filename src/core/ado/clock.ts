// Time as the client sees it. Injectable so unit tests of the retry and rate-limit policies run
// instantly; integration tests use the real clock.
import { setTimeout as delay } from 'node:timers/promises';
import { CancelledError } from './errors';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface Clock {
  now(): number;
  sleep: Sleep;
}

/** Resolves after ms, or rejects with CancelledError as soon as the signal aborts. */
export const realSleep: Sleep = async (ms, signal) => {
  if (signal?.aborted) throw new CancelledError('Cancelled');
  if (ms <= 0) return;
  try {
    await delay(ms, undefined, { signal });
  } catch (error) {
    if (signal?.aborted) throw new CancelledError('Cancelled', { cause: error });
    throw error;
  }
};

export const systemClock: Clock = { now: () => Date.now(), sleep: realSleep };
