import * as assert from 'node:assert/strict';
import type { ItemOutcome, RunSummary } from '../../src/core/sync/engineApi';
import { failureReport, failureText } from '../../src/vscode/runReport';

const counters = { uploaded: 0, linked: 0, downloaded: 0, duplicates: 0, conflicts: 0, remoteRemoved: 0, removed: 0, failed: 0, bytesTransferred: 0 };
const outcome = (i: number, status: ItemOutcome['status'], error?: ItemOutcome['error']): ItemOutcome =>
  ({ workItemId: 7, fileName: `scan-${i}.txt`, localPath: `/w/scan-${i}.txt`, direction: 'outbound', status, ...(error ? { error } : {}) });

describe('run report (many failures)', () => {
  it('counts 300 outcomes by reason, and offers a retry only for the failures a retry can bring through', () => {
    const limit = { message: 'Work item 7 would have more than 100 attachments…', code: 'VS403313', kind: 'PreflightError' };
    const busy = { message: 'TF400898: An Internal Error Occurred. Activity Id: 1.', code: 'VssServiceException', kind: 'ServerError' };
    const big = { message: 'huge.iso is 2 GB, over the 500 MB limit', code: 'FileTooLarge', kind: 'PreflightError' };
    const items = [
      ...Array.from({ length: 97 }, (_, i) => outcome(i, 'uploaded')),
      ...Array.from({ length: 200 }, (_, i) => outcome(100 + i, 'failed', limit)),
      ...Array.from({ length: 2 }, (_, i) => outcome(300 + i, 'failed', busy)),
      outcome(400, 'failed', big),
    ];
    const summary: RunSummary = { runId: 5, trigger: 'attach', status: 'failed', startedAt: '', completedAt: '', durationMs: 1, counters, items };
    const report = failureReport(summary);
    assert.equal(report.failed, 203);
    assert.deepEqual(report.retryable.map((i) => i.fileName), ['scan-300.txt', 'scan-301.txt']);
    assert.equal(failureText(report), '203 failed: 200 over the 100-attachment limit of a work item; 2 VssServiceException: TF400898: An Internal Error Occurred.; 1 over adoSync.maxFileSize');
  });
});
