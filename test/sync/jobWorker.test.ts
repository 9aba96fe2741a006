import { strict as assert } from 'node:assert';
import { AuthenticationError, NetworkError, RateLimitedError, ServerError } from '../../src/core/ado';
import type { SyncStore } from '../../src/core/store';
import { PreflightError } from '../../src/core/sync/itemError';
import { type JobResult, type JobSpec, RunAbortedError, runJobs } from '../../src/core/sync/jobQueue/jobWorker';
import { TempStores } from '../store/helpers';

type Results = JobResult<{ n: number }, string>[];
const spec = (key: string): JobSpec<{ n: number }> => ({ key, type: 'test', workItemId: 1, payload: { n: 1 } });
const options = { runId: 7, concurrency: 2, maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, random: () => 0.5 };

describe('job worker on the durable queue', () => {
  let t: TempStores;
  let store: SyncStore;
  beforeEach(async () => { t = new TempStores(); store = await t.open(); });
  afterEach(() => t.cleanup());

  const job = (key: string) => store.jobs.recentForWorkItem(1, 100).find((j) => j.idempotencyKey === `7:${key}`)!;

  it('retries transient failures with backoff, completes, and records attempts', async () => {
    const tries = new Map<string, number>();
    const results: Results = [];
    await runJobs(store, [spec('a'), spec('b')], async (s) => {
      const n = (tries.get(s.key) ?? 0) + 1;
      tries.set(s.key, n);
      if (s.key === 'a' && n < 3) throw new NetworkError('reset', { code: 'ECONNRESET' });
      return `done ${s.key}`;
    }, options, (r) => results.push(r));
    assert.deepEqual(results.map((r) => r.ok).sort(), [true, true]);
    assert.equal(tries.get('a'), 3);
    assert.equal(job('a').status, 'COMPLETED');
    assert.equal(job('a').attempts, 2, 'two failed attempts recorded');
  });

  it('dead-letters after maxAttempts, and at once for what no retry mends', async () => {
    const results: Results = [];
    let serverTries = 0;
    await runJobs(store, [spec('server'), spec('preflight')], async (s) => {
      if (s.key === 'server') { serverTries++; throw new ServerError('boom', { status: 503 }); }
      throw new PreflightError('too big', 'FileTooLarge');
    }, options, (r) => results.push(r));
    assert.equal(serverTries, 3);
    assert.deepEqual([job('server').status, job('preflight').status], ['DEAD', 'DEAD']);
    assert.equal(job('preflight').attempts, 1, 'not retried');
    assert.ok(results.every((r) => !r.ok));
  });

  it('a rate limit reschedules without using up an attempt', async () => {
    let n = 0;
    const results: Results = [];
    await runJobs(store, [spec('limited')], async () => {
      n++;
      if (n <= 4) throw new RateLimitedError('429', { status: 429, retryAfterMs: 5 });
      return 'ok';
    }, { ...options, maxAttempts: 2 }, (r) => results.push(r));
    assert.equal(n, 5, 'four rate limits did not exhaust two attempts');
    assert.equal(results[0].ok, true);
    assert.equal(job('limited').attempts, 0);
  });

  it('an authentication failure stops the run: the rest fail with it, nothing retried', async () => {
    const results: Results = [];
    let calls = 0;
    await assert.rejects(runJobs(store, [spec('1'), spec('2'), spec('3'), spec('4')], async () => {
      calls++;
      throw new AuthenticationError('401', { status: 401 });
    }, { ...options, concurrency: 1 }, (r) => results.push(r)), RunAbortedError);
    assert.equal(calls, 1);
    assert.equal(results.length, 4, 'every job reports');
    assert.ok(results.every((r) => !r.ok && r.error instanceof AuthenticationError));
  });

  it('runs at most `concurrency` at once', async () => {
    let active = 0;
    let peak = 0;
    await runJobs(store, Array.from({ length: 8 }, (_, i) => spec(`c${i}`)), async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 10));
      active--;
      return 'ok';
    }, { ...options, concurrency: 3 }, () => undefined);
    assert.equal(peak, 3);
  });
});
