// The job worker's ordering rules, against an engine stand-in that records when each run starts
// and ends (the subject here is the queue, not the engine).
import assert from 'node:assert/strict';
import type { RunSummary, SyncRequest } from '../../src/core/sync/engineApi';
import { SyncQueue } from '../../src/core/webhook/syncQueue';

interface Call {
  ids: readonly number[] | undefined;
  trigger: string | undefined;
  signal: AbortSignal | undefined;
  finish: () => void;
}

function recordingEngine() {
  const calls: Call[] = [];
  const active = new Set<string>();
  const overlaps: string[] = [];
  const engine = {
    sync(request: SyncRequest = {}): Promise<RunSummary> {
      const key = request.workItemIds ? request.workItemIds.join(',') : 'all';
      // Any two runs touching the same item (or an all-items run beside anything) overlap.
      if (active.has(key) || (key === 'all' && active.size > 0) || active.has('all')) overlaps.push(key);
      active.add(key);
      return new Promise((resolve) => {
        calls.push({
          ids: request.workItemIds, trigger: request.trigger, signal: request.signal,
          finish: () => {
            active.delete(key);
            resolve(summary(request));
          },
        });
      });
    },
  };
  return { engine, calls, overlaps };
}

function summary(request: SyncRequest): RunSummary {
  const counters = { uploaded: 0, linked: 0, downloaded: 0, duplicates: 0, conflicts: 0, remoteRemoved: 0, removed: 0, failed: 0, bytesTransferred: 0 };
  return { runId: 1, trigger: request.trigger ?? 'manual', status: 'completed', startedAt: '', completedAt: '', durationMs: 0, counters, items: [] };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('sync queue (serve job worker)', () => {
  it('coalesces events for a queued item and reruns once after a run in flight', async () => {
    const { engine, calls, overlaps } = recordingEngine();
    const q = new SyncQueue({ engine, concurrency: 1 });
    assert.equal(q.enqueueItem(5), 'queued');
    assert.equal(q.enqueueItem(6), 'queued');
    assert.equal(q.enqueueItem(6), 'already-queued');
    await tick();
    assert.deepEqual(calls.map((c) => c.ids), [[5]]);
    assert.equal(calls[0].trigger, 'webhook');
    assert.equal(q.enqueueItem(5), 'rerun-after-current');
    assert.equal(q.enqueueItem(5), 'rerun-after-current');
    calls[0].finish();
    await tick();
    calls[1].finish();
    await tick();
    calls[2]?.finish();
    await tick();
    assert.deepEqual(calls.map((c) => c.ids), [[5], [6], [5]], 'one rerun of 5, after 6 which was queued first');
    assert.deepEqual(overlaps, []);
    assert.equal(q.stats().completedRuns, 3);
    await q.close();
  });

  it('an all-items run waits for item runs and holds later ones back', async () => {
    const { engine, calls, overlaps } = recordingEngine();
    const q = new SyncQueue({ engine, concurrency: 2 });
    q.enqueueItem(1);
    q.enqueueItem(2);
    const all = q.runAll('poll');
    const joined = q.runAll('poll');
    q.enqueueItem(3);
    await tick();
    assert.deepEqual(calls.map((c) => c.ids), [[1], [2]]);
    calls[0].finish();
    calls[1].finish();
    await tick();
    assert.equal(calls[2].ids, undefined);
    assert.equal(calls[2].trigger, 'poll');
    calls[2].finish();
    await all;
    await joined;
    await tick();
    assert.deepEqual(calls[3].ids, [3]);
    calls[3].finish();
    await tick();
    assert.equal(calls.length, 4, 'the second runAll joined the queued one');
    assert.deepEqual(overlaps, []);
    await q.close();
  });

  it('close() drops queued jobs, aborts the run in flight and waits for it', async () => {
    const { engine, calls } = recordingEngine();
    const q = new SyncQueue({ engine, concurrency: 1 });
    q.enqueueItem(1);
    q.enqueueItem(2);
    await tick();
    let closed = false;
    const closing = q.close().then(() => { closed = true; });
    await tick();
    assert.equal(calls[0].signal?.aborted, true);
    assert.equal(closed, false, 'still waiting for the run in flight');
    calls[0].finish();
    await closing;
    assert.equal(calls.length, 1, 'the queued job was dropped');
    assert.equal(q.enqueueItem(3), 'closed');
  });

  it('a throwing run is counted and the worker goes on', async () => {
    let n = 0;
    const engine = {
      async sync(request: SyncRequest = {}): Promise<RunSummary> {
        n++;
        if (n === 1) throw new Error('service unavailable');
        return summary(request);
      },
    };
    const q = new SyncQueue({ engine, concurrency: 1 });
    q.enqueueItem(1);
    q.enqueueItem(2);
    await tick();
    await tick();
    assert.equal(q.stats().failedRuns, 1);
    assert.equal(q.stats().completedRuns, 1);
    assert.equal(q.stats().lastError, 'service unavailable');
    await q.close();
  });
});
