import assert from 'node:assert/strict';
import { AuthenticationError, CancelledError, NetworkError, RateLimitedError, ServerError } from '../../src/core/ado/errors';
import { fullJitterDelay, parseRetryAfter, parseSeconds, RetryPolicy } from '../../src/core/ado/retryPolicy';

const backoff = { baseMs: 100, capMs: 1000 };

describe('ado: retry policy', () => {
  it('backs off exponentially with full jitter under a cap', () => {
    assert.equal(fullJitterDelay(0, backoff, () => 0.999999), 99);
    assert.equal(fullJitterDelay(3, backoff, () => 0.5), 400);
    assert.equal(fullJitterDelay(10, backoff, () => 0.5), 500, 'capped at 1000 before jitter');
    assert.equal(fullJitterDelay(5, backoff, () => 0), 0);
  });

  it('parses Retry-After as seconds or as an HTTP date, and X-RateLimit-Delay as decimal seconds', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('2', now), 2000);
    assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now), 0, 'a past date means now');
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(null, now), undefined);
    assert.equal(parseSeconds('0.250'), 250);
    assert.equal(parseSeconds('-1'), undefined);
  });

  it('retries transient failures up to maxRetries and never authentication or cancellation', () => {
    const policy = new RetryPolicy({ maxRetries: 2, backoff, random: () => 0.5, maxRetryAfterMs: 60_000 });
    const server = new ServerError('x', { status: 503 });
    assert.equal(policy.shouldRetry(server, 0, 'idempotent'), true);
    assert.equal(policy.shouldRetry(server, 2, 'idempotent'), false, 'attempts exhausted');
    assert.equal(policy.shouldRetry(new ServerError('x', { status: 501 }), 0, 'idempotent'), false);
    assert.equal(policy.shouldRetry(new AuthenticationError('x', { status: 401 }), 0, 'idempotent'), false);
    assert.equal(policy.shouldRetry(new CancelledError('x'), 0, 'idempotent'), false);
    assert.equal(policy.shouldRetry(new TypeError('bug'), 0, 'idempotent'), false);
  });

  it('repeats an unsafe request only when the server cannot have acted on it', () => {
    const policy = new RetryPolicy({ maxRetries: 3, backoff, random: () => 0.5, maxRetryAfterMs: 60_000 });
    assert.equal(policy.shouldRetry(new RateLimitedError('x', { status: 429 }), 0, 'unsafe'), true);
    assert.equal(policy.shouldRetry(new NetworkError('x', { code: 'ECONNREFUSED', requestSent: false }), 0, 'unsafe'), true);
    assert.equal(policy.shouldRetry(new NetworkError('x', { code: 'ECONNRESET' }), 0, 'unsafe'), false);
    assert.equal(policy.shouldRetry(new ServerError('x', { status: 500 }), 0, 'unsafe'), false);
  });

  it('waits at least what Retry-After asks, and gives up when it asks for too long', () => {
    const policy = new RetryPolicy({ maxRetries: 3, backoff, random: () => 0, maxRetryAfterMs: 10_000 });
    assert.equal(policy.delayMs(new RateLimitedError('x', { status: 429, retryAfterMs: 2000 }), 0), 2000);
    assert.equal(policy.delayMs(new ServerError('x', { status: 503 }), 0), 0);
    assert.equal(policy.shouldRetry(new RateLimitedError('x', { status: 429, retryAfterMs: 60_000 }), 0, 'idempotent'), false);
  });
});
