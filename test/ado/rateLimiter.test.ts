import assert from 'node:assert/strict';
import type { Clock } from '../../src/core/ado/clock';
import { CancelledError } from '../../src/core/ado/errors';
import { TokenBucket } from '../../src/core/ado/rateLimiter';

/** A clock whose sleep advances time instantly and records the waits. */
function fakeClock(start = 1_000_000) {
  let now = start;
  const sleeps: number[] = [];
  const clock: Clock = {
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw new CancelledError('Cancelled');
      sleeps.push(ms);
      now += ms;
    },
  };
  return { clock, sleeps, advance: (ms: number) => (now += ms) };
}

describe('ado: token bucket rate limiter', () => {
  it('lets a minute of budget through, then spaces requests at the configured rate', async () => {
    const { clock, sleeps } = fakeClock();
    const bucket = new TokenBucket({ requestsPerMinute: 60 }, clock);
    for (let i = 0; i < 60; i++) await bucket.acquire();
    assert.deepEqual(sleeps, []);
    await bucket.acquire();
    await bucket.acquire();
    assert.deepEqual(sleeps, [1000, 1000]);
  });

  it('gives concurrent callers successive slots', () => {
    const { clock } = fakeClock();
    const bucket = new TokenBucket({ requestsPerMinute: 60 }, clock);
    for (let i = 0; i < 60; i++) bucket.reserve();
    assert.deepEqual([bucket.reserve(), bucket.reserve(), bucket.reserve()], [1000, 2000, 3000]);
  });

  it('pauses every request until a Retry-After or X-RateLimit-Delay has passed', async () => {
    const { clock, sleeps, advance } = fakeClock();
    const bucket = new TokenBucket({ requestsPerMinute: 500 }, clock);
    bucket.pauseFor(2000);
    await bucket.acquire();
    assert.deepEqual(sleeps, [2000]);
    advance(10);
    await bucket.acquire();
    assert.deepEqual(sleeps, [2000], 'the pause is over');
  });

  it('slows down when X-RateLimit-Remaining runs low, until the reset time', () => {
    const { clock, advance } = fakeClock(0);
    const bucket = new TokenBucket({ requestsPerMinute: 600 }, clock);
    bucket.observe({ limit: 200, remaining: 150 });
    assert.equal(bucket.currentRequestsPerMinute(), 600);
    bucket.observe({ limit: 200, remaining: 20, resetEpochSeconds: 30 });
    assert.equal(Math.round(bucket.currentRequestsPerMinute()), 300, 'half way below the 20% mark: half the rate');
    bucket.observe({ limit: 200, remaining: 0, resetEpochSeconds: 30 });
    assert.equal(Math.round(bucket.currentRequestsPerMinute()), 60, 'never below 10%');
    advance(30_000);
    assert.equal(bucket.currentRequestsPerMinute(), 600, 'back to normal after the reset');
  });

  it('returns the token when a wait is cancelled', async () => {
    const { clock } = fakeClock();
    const bucket = new TokenBucket({ requestsPerMinute: 1 }, clock);
    await bucket.acquire();
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(bucket.acquire(controller.signal), CancelledError);
    assert.equal(bucket.reserve(), 60_000, 'only one slot was taken after the first request');
  });
});
