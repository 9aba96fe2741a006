// The state lines `serve` prints and the status bar tooltip shows.
import assert from 'node:assert/strict';
import { describeInboundState, type InboundServiceState } from '../../src/core/webhook';

const sync = { active: 1, dirty: 2, blocked: [{ workItemId: 42, reason: 'max-delete', details: { removals: 3, total: 4 } }] };
const runs = { completed: 7, failed: 1, lastError: 'Azure DevOps had a server error' };

describe('inbound state lines', () => {
  it('receiver listening, last event, refusals by reason, poll schedule, runs', () => {
    const state: InboundServiceState = {
      receiver: {
        listening: true, url: 'http://127.0.0.1:8787/api/webhooks/workitem', address: '127.0.0.1:8787', lastEventAt: new Date('2026-11-25T02:00:00Z'),
        accepted: 12, rejected: 3, rejections: { unauthorized: 2, malformed: 0, tooLarge: 1, unsupportedMediaType: 0 }, duplicates: 4, ignored: 1,
      },
      poll: { enabled: true, intervalMs: 300_000, lastCheckedAt: new Date('2026-11-25T02:00:00Z'), nextRunAt: new Date('2026-11-25T02:05:00Z') },
      sync, runs,
      untrackedEvents: 5,
    };
    assert.deepEqual(describeInboundState(state), [
      'Webhook receiver: listening on http://127.0.0.1:8787/api/webhooks/workitem',
      'Last event: 2026-11-25T02:00:00.000Z',
      'Events: 12 accepted, 3 rejected (unauthorized 2, tooLarge 1), 4 duplicate, 1 ignored, 5 untracked',
      'Poll: every 300 s, last checked 2026-11-25T02:00:00.000Z, next at 2026-11-25T02:05:00.000Z',
      'Sync: 1 work item(s) syncing, 2 waiting, 1 blocked (max-delete brake: #42)',
      'Sync runs: 7 completed, 1 failed; last error: Azure DevOps had a server error',
    ]);
  });

  it('poll only, poll off', () => {
    const lines = describeInboundState({ poll: { enabled: false, intervalMs: 0 }, sync: { active: 0, dirty: 0, blocked: [] }, runs: { completed: 0, failed: 0 }, untrackedEvents: 0 });
    assert.equal(lines[0], 'Webhook receiver: off (poll only)');
    assert.equal(lines[1], 'Poll: off');
  });
});
