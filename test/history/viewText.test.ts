// Words and cells the history view and the backlog import UI show (pure functions).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { storeBacklogHistory, type BacklogImportSummary } from '../../src/core/backlog';
import { historyHtml } from '../../src/core/history/historyHtml';
import { emptyKindCounters } from '../../src/core/backlog/progressEvents';
import { openStore } from '../../src/core/store';
import { overwriteWarning, progressStep, summaryMessage } from '../../src/vscode/backlog/importText';
import { backlogCounters, fmtBytes, fmtDuration, plural, runCounterCells, RUN_COLUMNS, statusWords } from '../../src/webview/format';
import type { SyncHistoryRow } from '../../src/core/store';

describe('history view cells', () => {
  it('statuses in words: a run that moved files with one failure reads "completed with 1 failure"; "1 run", "2 runs"', () => {
    const row = (status: SyncHistoryRow['status'], itemsFailed: number, uploaded: number): SyncHistoryRow =>
      ({ status, itemsFailed, uploaded, linked: 0, downloaded: 0, skippedDuplicate: 0, deleted: 0, itemsCreated: 0 }) as SyncHistoryRow;
    assert.equal(statusWords(row('failed', 1, 12)), 'completed with 1 failure');
    assert.equal(statusWords(row('completed', 2, 0)), 'completed with 2 failures');
    assert.equal(statusWords(row('failed', 1, 0)), 'failed');
    assert.equal(statusWords(row('in_progress', 0, 0)), 'in progress');
    assert.deepEqual([plural(1, 'run'), plural(2, 'run')], ['1 run', '2 runs']);
  });

  it('backlog runs show created/failed/deletion_count; attachment runs their transfer counters', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cells-'));
    const store = await openStore({ path: path.join(dir, 'state.sqlite') });
    try {
      const h = storeBacklogHistory(store);
      const id = await h.start({ sourceType: 'file', sourceConfigId: 'ws', targetType: 'azure_devops', targetConfigId: 'x/Demo', projectName: 'Demo',
        overwriteMode: true, totalItems: 3, startedAt: new Date(), origin: { userAgent: 'test' } });
      await h.addDeletions(id, 4);
      await h.recordItem(id, { ardoqId: 'a', itemName: 'E', itemType: 'epic', status: 'created' });
      await h.recordItem(id, { ardoqId: 'b', itemName: 'F', itemType: 'feature', status: 'failed', errorMessage: 'no' });
      await h.recordItem(id, { ardoqId: 'c', itemName: 'S', itemType: 'user_story', status: 'created' });
      const row = store.history.get(id)!;
      const cells = Object.fromEntries(runCounterCells(row).map((c) => [c.title, c.text]));
      assert.deepEqual(cells, { Uploaded: '–', Linked: '–', Downloaded: '–', 'Skipped (dup)': '–', Created: '2', Failed: '1', Deleted: '4' });
      assert.deepEqual(Object.fromEntries(backlogCounters(row)), { Items: '3', 'Epics created': '1', 'Epics failed': '0', 'Features created': '0',
        'Features failed': '1', 'User stories created': '1', 'User stories failed': '0', 'Deleted (overwrite)': '4' });
      const sync = store.history.create({ trigger: 'poll' });
      store.history.increment(sync.id, { uploaded: 2, linked: 1, downloaded: 3, skippedDuplicate: 4, itemsFailed: 5, deleted: 6 });
      assert.deepEqual(runCounterCells(store.history.get(sync.id)!).map((c) => c.text), ['2', '1', '3', '4', '–', '5', '6']);
      assert.equal(RUN_COLUMNS.length, 7);
    } finally {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('formats bytes and durations', () => {
    assert.deepEqual([fmtBytes(0), fmtBytes(1536), fmtBytes(5 * 1024 ** 3)], ['0 B', '1.5 KB', '5.0 GB']);
    assert.deepEqual([fmtDuration(null), fmtDuration(12), fmtDuration(1500), fmtDuration(125_000)], ['', '12 ms', '1.5 s', '2 min 5 s']);
  });
});

describe('backlog import UI text', () => {
  const summary = (over: Partial<BacklogImportSummary> = {}): BacklogImportSummary => ({
    status: 'completed', dryRun: false, sourceKey: 'ws', project: 'Demo', overwrite: false, totalItems: 3, created: 3, updated: 0, unchanged: 0,
    failed: 0, byKind: { ...emptyKindCounters(), epic: { created: 1, updated: 0, unchanged: 0, failed: 0 }, user_story: { created: 2, updated: 0, unchanged: 0, failed: 0 } },
    deletionCount: 0, deletionFailed: 0, skippedComponents: 0, durationMs: 10, ...over,
  });

  it('one progress line per item event with its share of the bar', () => {
    const step = progressStep({ type: 'epic:created', kind: 'epic', outcome: 'created', ardoqId: 'a', name: 'Billing', adoId: 7, done: 1, total: 4, dryRun: false });
    assert.deepEqual(step, { message: '1/4 · Epic "Billing" created', increment: 25 });
    assert.equal(progressStep({ type: 'user_story:failed', kind: 'user_story', outcome: 'failed', ardoqId: 'b', name: 'Pay', error: 'TF401320: rule', done: 2, total: 4, dryRun: true })?.message,
      '2/4 · User story "Pay" would be failed: TF401320: rule');
    assert.equal(progressStep({ type: 'deletion:progress', deleted: 200, total: 350 })?.message, 'Overwrite: 200/350 earlier work items deleted');
    assert.equal(progressStep({ type: 'sync:complete', summary: summary() }), undefined);
  });

  it('the overwrite warning names the count, the ids, the tag, and what stays', () => {
    const ids = Array.from({ length: 23 }, (_, i) => 100 + i);
    const text = overwriteWarning({ sourceKey: 'ws', project: 'Demo', tag: 'ardoq-source:ws', ids });
    assert.match(text, /^Overwrite deletes 23 work items in Demo that earlier imports of source ws created \(tagged "ardoq-source:ws"\): #100, #101/);
    assert.match(text, /#119 and 3 more\. They are moved to the recycle bin/);
    assert.match(text, /Work items without that tag are not touched\.$/);
    assert.match(overwriteWarning({ sourceKey: 'ws', project: 'Demo', tag: 't', ids: [] }), /nothing will be deleted/);
  });

  it('the closing summary has the per-type counts; dry runs say "would be"; cancelled says so', () => {
    assert.equal(summaryMessage(summary()), 'Backlog import finished: 3 items into Demo. epics 1 created; features 0 created; user stories 2 created. 0 updated, 0 unchanged, 0 failed.');
    assert.match(summaryMessage(summary({ dryRun: true, overwrite: true, deletionCount: 5 })), /dry run finished.*epics 1 would be created.*5 earlier work items would be deleted\./);
    assert.match(summaryMessage(summary({ status: 'cancelled', error: 'Cancelled by the user.' })), /^Backlog import cancelled: /);
    assert.match(summaryMessage(summary({ status: 'failed', error: 'Ardoq rejected the token' })), /Ardoq rejected the token$/);
  });
});

describe('history page CSP', () => {
  it("default-src 'none', nonce scripts only, styles and fonts from the webview source, no unsafe-*", () => {
    const html = historyHtml({ cspSource: 'https://webview.src', scriptUri: 'https://webview.src/dist/webview.js', styleUri: 'https://webview.src/media/history.css',
      codiconUri: 'https://webview.src/dist/codicons/codicon.css', nonce: 'abc123' });
    const csp = /content="([^"]+)"/.exec(html)?.[1] ?? '';
    assert.equal(csp, "default-src 'none'; img-src https://webview.src data:; style-src https://webview.src; font-src https://webview.src; script-src 'nonce-abc123'");
    assert.doesNotMatch(html, /unsafe-/);
    const scripts = html.match(/<script[^>]*>/g) ?? [];
    assert.ok(scripts.length > 0 && scripts.every((t) => t.includes('nonce="abc123"')), scripts.join());
    assert.match(html, /<link rel="stylesheet" href="https:\/\/webview\.src\/dist\/codicons\/codicon\.css">/);
  });
});
