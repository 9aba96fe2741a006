// `ado-sync history`: keyset pages followed with the printed cursor, filters, bad input.
import assert from 'node:assert/strict';
import type { SyncHistoryRow } from '../../src/core/store';
import { CliFixture, parse } from './support';

interface HistoryAnswer {
  success: boolean;
  data: SyncHistoryRow[];
  pagination: { total: number; limit: number; nextCursor: string | null };
}

describe('ado-sync history', () => {
  const f = new CliFixture();
  before(async () => {
    await f.start({ seed: 'empty' });
    await f.withStore((store) => {
      // 25 runs, one a day in November; every fifth failed, the even ones for work item 7.
      for (let day = 1; day <= 25; day++) {
        const startedAt = `2026-11-${String(day).padStart(2, '0')}T10:00:00.000Z`;
        const run = store.history.create({ trigger: day % 2 ? 'manual' : 'poll', workItemId: day % 2 ? null : 7, startedAt });
        store.history.addItems(run.id, [{ itemName: `file-${day}.txt`, status: day % 5 ? 'uploaded' : 'failed', errorMessage: day % 5 ? null : `VS403313 on day ${day}` }]);
        store.history.increment(run.id, day % 5 ? { uploaded: 1 } : { itemsFailed: 1 });
        store.history.update(run.id, { status: day % 5 ? 'completed' : 'failed', errorMessage: day % 5 ? undefined : 'an item failed', completedAt: startedAt.replace('00.000Z', '01.500Z') });
      }
      store.history.create({ kind: 'backlog_import', trigger: 'import', startedAt: '2026-11-30T08:00:00.000Z', status: 'completed' });
    });
  });
  after(() => f.stop());

  it('walks every run exactly once, newest first, following nextCursor', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const run = await f.run(['history', '--limit', '10', '--json', ...(cursor ? ['--cursor', cursor] : [])]);
      assert.equal(run.code, 0, run.err);
      const page = parse<HistoryAnswer>(run);
      assert.equal(page.success, true);
      assert.equal(page.pagination.total, 26);
      seen.push(...page.data.map((r) => r.id));
      cursor = page.pagination.nextCursor;
      pages += 1;
    } while (cursor);
    assert.equal(pages, 3);
    assert.deepEqual(seen, Array.from({ length: 26 }, (_, i) => 26 - i));
  });

  it('prints a table and the command for the next page', async () => {
    const first = await f.run(['history', '--limit', '2', '--kind', 'attachment_sync']);
    assert.equal(first.code, 0, first.err);
    const lines = first.out.trimEnd().split('\n');
    assert.match(lines[0], /^RUN\s+STARTED\s+KIND\s+TRIGGER\s+STATUS\s+ITEMS\s+WORK ITEM\s+MS\s+ERROR$/);
    assert.match(lines[1], /^25\s+2026-11-25T10:00:00\.000Z\s+attachment_sync\s+manual\s+failed\s+0 up, 0 linked, 0 down, 1 failed\s+1500\s+an item failed$/);
    assert.match(lines[2], /^24\s+2026-11-24T10:00:00\.000Z\s+attachment_sync\s+poll\s+completed\s+1 up, 0 linked, 0 down, 0 failed\s+7\s+1500$/);
    const next = /Next page: --cursor (\S+)$/.exec(lines[4]);
    assert.ok(next, lines[4]);
    assert.match(lines[4], /^2 of 25 run\(s\)\./);
    const second = await f.run(['history', '--limit', '2', '--kind', 'attachment_sync', '--cursor', next[1]]);
    assert.match(second.out.split('\n')[1], /^23\s/);
  });

  it('filters by status, trigger, work item, dates and text', async () => {
    const ids = async (...args: string[]) => {
      const run = await f.run(['history', '--json', '--limit', '100', ...args]);
      assert.equal(run.code, 0, run.err);
      return parse<HistoryAnswer>(run).data.map((r) => r.id);
    };
    assert.deepEqual(await ids('--status', 'failed'), [25, 20, 15, 10, 5]);
    assert.deepEqual(await ids('--status', 'failed', '--trigger', 'poll'), [20, 10]);
    assert.deepEqual(await ids('--work-item', '7', '--from', '2026-11-20', '--to', '2026-11-24'), [24, 22, 20]);
    assert.deepEqual(await ids('--to', '2026-11-02T09:00:00Z'), [1]);
    assert.deepEqual(await ids('--text', 'VS403313 on day 1'), [15, 10]);
    assert.deepEqual(await ids('--kind', 'backlog_import'), [26]);
    const none = await f.run(['history', '--text', 'nothing like this']);
    assert.equal(none.out, 'No sync runs match.\n');
  });

  it('refuses bad filters and a damaged cursor with exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--status', 'done'], /--status must be one or more of pending, in_progress, completed, failed, cancelled/],
      [['--kind', 'x'], /--kind must be one of attachment_sync, backlog_import/],
      [['--trigger', 'cron'], /--trigger must be one of manual, poll, webhook, attach, import/],
      [['--from', 'yesterday'], /--from must be a date/],
      [['--limit', '0'], /--limit must be a whole number from 1 to 500/],
      [['--work-item', 'x7'], /--work-item must be a work item id/],
      [['--cursor', 'garbage'], /Invalid history cursor: garbage: pass the cursor exactly as the previous page printed it/],
    ];
    for (const [args, message] of cases) {
      const run = await f.run(['history', ...args]);
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.err, message);
    }
  });
});
