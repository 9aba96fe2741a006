// The state lines `serve` prints and the status bar tooltip shows.
import assert from 'node:assert/strict';
import { describeInboundState, type InboundServiceState } from '../../src/core/webhook';

const queue = { queued: 1, running: 1, completedRuns: 7, failedRuns: 1, lastError: 'Azure DevOps had a server error' };

describe('inbound state lines', () => {
  it('receiver listening, last event, refusals by reason, poll schedule, runs', () => {
    const state: InboundServiceState = {
      receiver: {
        listening: true, url: 'http://127.0.0.1:8787/api/webhooks/workitem', address: '127.0.0.1:8787', lastEventAt: new Date('2026-11-25T02:00:00Z'),
        accepted: 12, rejected: 3, rejections: { unauthorized: 2, malformed: 0, tooLarge: 1, unsupportedMediaType: 0 }, duplicates: 4, ignored: 1,
      },
      poll: { enabled: true, running: false, runs: 2, failures: 0, intervalMs: 300_000, nextRunAt: Date.parse('2026-11-25T02:05:00Z') },
      queue,
      untrackedEvents: 5,
    };
    assert.deepEqual(describeInboundState(state), [
      'Webhook receiver: listening on http://127.0.0.1:8787/api/webhooks/workitem',
      'Last event: 2026-11-25T02:00:00.000Z',
      'Events: 12 accepted, 3 rejected (unauthorized 2, tooLarge 1), 4 duplicate, 1 ignored, 5 untracked',
      'Poll: every 300 s, next at 2026-11-25T02:05:00.000Z',
      'Sync runs: 7 completed, 1 failed, 1 running, 1 queued; last error: Azure DevOps had a server error',
    ]);
  });

  it('poll only, poll off', () => {
    const lines = describeInboundState({ poll: { enabled: false, running: false, runs: 0, failures: 0, intervalMs: 0 }, queue, untrackedEvents: 0 });
    assert.equal(lines[0], 'Webhook receiver: off (poll only)');
    assert.equal(lines[1], 'Poll: off');
  });
});
