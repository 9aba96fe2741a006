// `ado-sync list` and `ado-sync status`: human and --json output against the emulator and a real
// state database.
import assert from 'node:assert/strict';
import { CliFixture, parse } from './support';

interface ListAnswer {
  workItemId: number;
  localAttachments: Record<string, unknown>[];
  adoAttachments: { guid: string; name: string; url: string; comment: string | null; size: number | null }[];
  syncSummary: { localCount: number; adoCount: number; syncedCount: number; pendingCount: number; failedCount: number };
  attachments: { fileName: string; state: string }[];
}

describe('ado-sync list and status', () => {
  const f = new CliFixture();
  let bug: number;
  before(async () => {
    await f.start();
    bug = f.workItemTitled('Invoice totals round wrongly');
    const repro = f.ado.state.workItems.get(bug)!.relations.find((r) => r.attributes.name === 'repro.md')!;
    await f.withStore((store) => {
      store.attachments.insert({ workItemId: bug, fileName: 'repro.md', fileSize: 40, source: 'ADO', attachmentGuid: repro.url.split('/').pop(), attachmentUrl: repro.url, syncStatus: 'SYNCED' });
      const failed = store.attachments.insert({ workItemId: bug, fileName: 'huge.iso', fileSize: 70_000_000, source: 'TOOL' });
      store.attachments.setStatus(failed.id, 'FAILED', 'TF237082: The file is too large.');
      store.dirtyItems.mark(f.ado.project, [bug], 'feed');
      store.dirtyItems.fail(f.ado.project, bug, 1, { message: 'HTTP 503 from the server' }, new Date('2030-01-01T00:00:00.000Z'));
      store.events.log({ eventType: 'upload_failed', severity: 'ERROR', message: 'huge.iso: TF237082', workItemId: bug });
      store.trackedItems.track({ workItemId: bug, projectName: f.ado.project });
    });
  });
  after(() => f.stop());

  it('lists local records and ADO attachments in the seed shape, with states and the summary', async () => {
    const run = await f.run(['list', String(bug), '--json']);
    assert.equal(run.code, 0, run.err);
    const answer = parse<ListAnswer>(run);
    assert.equal(answer.workItemId, bug);
    assert.deepEqual(answer.localAttachments.map((a) => [a.file_name, a.sync_status, a.source]), [['repro.md', 'SYNCED', 'ADO'], ['huge.iso', 'FAILED', 'TOOL']]);
    assert.deepEqual(answer.adoAttachments.map((a) => a.name).sort(), ['repro.md', 'trace.log']);
    assert.match(answer.adoAttachments[0].url, /\/_apis\/wit\/attachments\/[0-9a-f-]{36}$/);
    assert.deepEqual(answer.syncSummary, { localCount: 2, adoCount: 2, syncedCount: 1, pendingCount: 0, failedCount: 1, conflictCount: 0 });
    assert.deepEqual(answer.attachments.map((a) => [a.fileName, a.state]), [['repro.md', 'synced'], ['huge.iso', 'failed'], ['trace.log', 'in_ado_only']]);
  });

  it('prints a readable table', async () => {
    const run = await f.run(['list', String(bug)]);
    assert.equal(run.code, 0, run.err);
    const lines = run.out.trimEnd().split('\n');
    assert.equal(lines[0], `Work item ${bug}: 2 attachment(s) in Azure DevOps, 2 local record(s); 1 synced, 0 pending, 1 failed, 0 in conflict.`);
    assert.match(lines[2], /^STATE\s+FILE\s+SIZE\s+ATTACHMENT\s+NOTE$/);
    assert.match(lines[4], /^failed\s+huge\.iso\s+67 MB\s+TF237082: The file is too large\.$/);
    assert.match(lines[5], /^in_ado_only\s+trace\.log\s+21 B\s+[0-9a-f-]{36}$/);
  });

  it('fails a work item that does not exist with the service message and exit 1', async () => {
    const run = await f.run(['list', '9999']);
    assert.equal(run.code, 1);
    assert.match(run.err, /TF401232: Work item 9999 does not exist/);
  });

  it('shows the status: summary, the pending sync and events (seed shape), read from the database only', async () => {
    const requests = f.ado.state.stats.totalRequests;
    const run = await f.run(['status', String(bug), '--json'], { env: { AZDO_PAT: '', AZDO_ORG_URL: '' } });
    assert.equal(run.code, 0, run.err);
    const answer = parse<{ workItemId: number; tracked: boolean; summary: Record<string, unknown>; pendingSync: Record<string, unknown> | null; recentEvents: Record<string, unknown>[] }>(run);
    assert.equal(answer.workItemId, bug);
    assert.equal(answer.tracked, true);
    assert.deepEqual(Object.keys(answer.summary), ['total_attachments', 'synced_count', 'pending_count', 'failed_count', 'total_size_bytes', 'last_modified']);
    assert.deepEqual([answer.summary.total_attachments, answer.summary.synced_count, answer.summary.failed_count], [2, 1, 1]);
    assert.deepEqual([answer.pendingSync?.status, answer.pendingSync?.reasons, answer.pendingSync?.attempts, answer.pendingSync?.last_error], ['PENDING', ['feed'], 1, 'HTTP 503 from the server']);
    assert.deepEqual(answer.recentEvents.map((e) => [e.event_type, e.severity]), [['upload_failed', 'ERROR']]);
    assert.equal(f.ado.state.stats.totalRequests, requests, 'no request to Azure DevOps');
    const human = await f.run(['status', String(bug)]);
    assert.match(human.out, new RegExp(`^Work item ${bug} \\(tracked\\): 2 attachment\\(s\\), 1 synced, 0 pending, 1 failed, 67 MB, last change `));
    assert.match(human.out, /Sync pending since \S+ \(feed\), 1 failed try, next at 2030-01-01T00:00:00.000Z; last error: HTTP 503 from the server\./);
    assert.match(human.out, /Recent events:\n[\s\S]*ERROR\s+upload_failed\s+huge\.iso: TF237082/);
  });

  it('reports an unknown work item as empty, not as an error', async () => {
    const run = await f.run(['status', '777']);
    assert.equal(run.code, 0);
    assert.equal(run.out, 'Work item 777: 0 attachment(s), 0 synced, 0 pending, 0 failed, 0 B.\n');
  });
});
