import * as assert from 'node:assert/strict';
import type { HistoryFilter, SyncHistoryRow, SyncHistoryStatus, SyncStore, SyncTrigger } from '../../src/core/store';
import { clock, TempStores } from './helpers';

const STATUSES: SyncHistoryStatus[] = ['completed', 'failed', 'cancelled', 'in_progress'];
const TRIGGERS: SyncTrigger[] = ['manual', 'poll', 'webhook', 'attach'];

/** Runs with varied fields; several share a started_at so ties on the key are exercised. */
function seed(s: SyncStore, n: number, offset = 0, baseIso = '2026-02-01T00:00:00.000Z'): void {
  for (let i = offset; i < offset + n; i++) {
    const startedAt = new Date(Date.parse(baseIso) + Math.floor(i / 3) * 3600_000).toISOString();
    const run = s.history.create({
      startedAt, trigger: TRIGGERS[i % 4], kind: i % 5 === 0 ? 'backlog_import' : 'attachment_sync',
      projectName: i % 2 ? 'Alpha' : 'Beta', workItemId: 100 + (i % 7),
    });
    s.history.update(run.id, { status: STATUSES[i % 4], errorMessage: i % 11 === 0 ? `timeout in run ${i}` : null });
    s.history.addItems(run.id, [{ itemName: `file-${i}.pdf`, status: 'uploaded' }, { itemName: i % 13 === 0 ? 'needle.docx' : `x-${i}.txt`, status: 'skipped' }]);
  }
}

/** Walks every page, inserting newer runs (and one older) between pages. */
function walk(s: SyncStore, filter: HistoryFilter, pageSize: number, insertBetween: boolean): SyncHistoryRow[] {
  const seen: SyncHistoryRow[] = [];
  let cursor: string | null = null;
  let extra = 10_000;
  do {
    const page = s.history.page(filter, pageSize, cursor);
    assert.ok(page.rows.length <= pageSize);
    seen.push(...page.rows);
    cursor = page.nextCursor;
    if (insertBetween) {
      // Newer than everything: must not appear in later pages (they are ahead of the cursor).
      seed(s, 2, extra, '2027-01-01T00:00:00.000Z');
      // Older than everything: lands ahead of the cursor, so later pages may show it (never twice).
      seed(s, 1, extra + 2, '2026-01-15T00:00:00.000Z');
      extra += 3;
    }
  } while (cursor);
  return seen;
}

function expected(s: SyncStore, filter: HistoryFilter, before: number): SyncHistoryRow[] {
  const all: SyncHistoryRow[] = [];
  let cursor: string | null = null;
  do {
    const p = s.history.page(filter, 1000, cursor);
    all.push(...p.rows);
    cursor = p.nextCursor;
  } while (cursor);
  return all.filter((r) => r.id <= before);
}

describe('store: history keyset paging', () => {
  let t: TempStores;
  let s: SyncStore;
  beforeEach(async () => { t = new TempStores(); s = await t.open({ now: clock().now }); seed(s, 120); });
  afterEach(() => t.cleanup());

  const filters: Record<string, HistoryFilter> = {
    none: {}, status: { status: 'failed' }, statuses: { status: ['completed', 'cancelled'] }, kind: { kind: 'backlog_import' },
    trigger: { trigger: 'webhook' }, workItem: { workItemId: 103 }, project: { projectName: 'Alpha' },
    dateRange: { from: '2026-02-01T05:00:00.000Z', to: '2026-02-02T10:00:00.000Z' },
    textItemName: { text: 'needle' }, textError: { text: 'timeout' }, combined: { projectName: 'Alpha', trigger: 'poll', text: 'file-' },
  };

  for (const [name, filter] of Object.entries(filters)) {
    it(`filter ${name}: every matching run exactly once, in (started_at, id) DESC order, with inserts between pages`, () => {
      const lastSeededId = s.history.page({}, 1).rows[0].id;
      const want = expected(s, filter, lastSeededId);
      assert.ok(want.length > 0, 'filter matches something');
      assert.equal(s.history.page(filter, 7).total, want.length);
      const got = walk(s, filter, 7, true);
      const ids = got.map((r) => r.id);
      assert.equal(new Set(ids).size, ids.length, 'no duplicates');
      assert.deepEqual(ids.filter((id) => id <= lastSeededId), want.map((r) => r.id), 'no gaps, same order');
      for (let i = 1; i < got.length; i++) {
        const a = got[i - 1], b = got[i];
        assert.ok(a.startedAt > b.startedAt || (a.startedAt === b.startedAt && a.id > b.id), 'ordered');
      }
    });
  }

  it('filters mean what they say', () => {
    const all = (f: HistoryFilter): SyncHistoryRow[] => s.history.page(f, 1000).rows;
    assert.ok(all({ status: 'failed' }).every((r) => r.status === 'failed'));
    assert.ok(all({ workItemId: 103 }).every((r) => r.workItemId === 103));
    const needleRuns = all({ text: 'needle' }).map((r) => r.id).sort((a, b) => a - b);
    const viaItems = all({}).filter((r) => s.history.items(r.id).some((i) => i.itemName.includes('needle'))).map((r) => r.id).sort((a, b) => a - b);
    assert.deepEqual(needleRuns, viaItems);
    assert.equal(all({ text: '100%_' }).length, 0, 'LIKE wildcards are literal');
  });

  it('total counts the whole filter, and daily counts by status feed the chart', () => {
    assert.equal(s.history.page({}, 5).total, 120);
    const days = s.history.dailyCounts('2026-02-01', '2026-02-03');
    assert.equal(days.reduce((n, d) => n + d.count, 0), s.history.count({ from: '2026-02-01', to: '2026-02-03' }));
    assert.deepEqual(days.filter((d) => d.day === '2026-02-01').map((d) => [d.status, d.count]),
      [['cancelled', 18], ['completed', 18], ['failed', 18], ['in_progress', 18]]);
  });

  it('rejects a malformed cursor with a typed error', () => {
    assert.throws(() => s.history.page({}, 5, 'not-a-cursor'), /Invalid history cursor/);
  });

  it('explicit prune removes old runs with their items', () => {
    const n = s.history.pruneBefore('2026-02-02T00:00:00.000Z');
    assert.equal(n, 72);
    assert.equal(s.history.count(), 48);
    assert.equal(s.stats().items.total, 96);
  });
});
