import assert from 'node:assert/strict';
import { HistoryRecorder, type HistorySink } from '../../src/core/sync/historyRecorder';

function memorySink(failOn?: string): HistorySink & { calls: string[] } {
  const calls: string[] = [];
  const rec = (name: string, detail: string): void => {
    if (name === failOn) throw new Error(`disk full in ${name}`);
    calls.push(`${name}:${detail}`);
  };
  return {
    calls,
    startRun: (r) => rec('startRun', r.trigger),
    setStatus: (_id, s, _at, reason) => rec('setStatus', reason ? `${s}/${reason}` : s),
    addItem: (_id, i) => rec('addItem', `${i.fileName}/${i.status}`),
    incrementCounter: (_id, c) => rec('incrementCounter', c),
    audit: (a) => rec('audit', a),
  };
}

describe('history recorder', () => {
  const at = (): Date => new Date('2026-01-01T00:00:00Z');
  it('writes pending -> in_progress -> completed with items, counters and audit entries', () => {
    const sink = memorySink();
    const r = new HistoryRecorder(sink, () => undefined, at);
    r.start('r1', 'force');
    r.item('r1', { workItemId: 1, fileName: 'a', status: 'synced', adoId: 'g' });
    r.item('r1', { workItemId: 1, fileName: 'b', status: 'failed', error: 'x' });
    r.finish('r1', 'completed');
    assert.deepEqual(sink.calls, ['startRun:force', 'setStatus:in_progress', 'audit:sync_started', 'addItem:a/synced',
      'incrementCounter:succeeded', 'addItem:b/failed', 'incrementCounter:failed', 'setStatus:completed', 'audit:sync_completed']);
  });
  it('never throws into the sync: sink errors are logged and the rest still written', () => {
    const sink = memorySink('addItem');
    const logs: string[] = [];
    const r = new HistoryRecorder(sink, (m) => logs.push(m), at);
    r.start('r1', 'poll');
    assert.doesNotThrow(() => r.item('r1', { workItemId: 1, fileName: 'a', status: 'synced' }));
    r.finish('r1', 'cancelled', 'user');
    assert.match(logs[0] ?? '', /history: item failed: disk full/);
    assert.ok(sink.calls.includes('incrementCounter:succeeded'));
    assert.ok(sink.calls.includes('setStatus:cancelled/user'));
  });
});
