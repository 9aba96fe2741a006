import assert from 'node:assert/strict';
import { decideRetry } from '../../src/core/sync/jobQueue/retryDecision';

describe('job retry decision', () => {
  it('backs off exponentially with jitter, capped', () => {
    assert.deepEqual(decideRetry({ attempts: 0, maxAttempts: 5, random: () => 0 }), { kind: 'retry', attempts: 1, runAfterMs: 500 });
    assert.deepEqual(decideRetry({ attempts: 2, maxAttempts: 5, random: () => 1 }), { kind: 'retry', attempts: 3, runAfterMs: 4000 });
    assert.equal((decideRetry({ attempts: 3, maxAttempts: 99, maxDelayMs: 3000, random: () => 1 }) as { runAfterMs: number }).runAfterMs, 3000);
  });
  it('dead-letters after max attempts', () => {
    assert.deepEqual(decideRetry({ attempts: 4, maxAttempts: 5, random: () => 0.5 }), { kind: 'deadLetter', attempts: 5 });
  });
  it('a rate limit reschedules without using an attempt', () => {
    assert.deepEqual(decideRetry({ attempts: 4, maxAttempts: 5, retryAfterMs: 2000, random: () => 0 }), { kind: 'reschedule', attempts: 4, runAfterMs: 2000 });
  });
});
