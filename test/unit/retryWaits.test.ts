import * as assert from 'node:assert/strict';
import { CancelledError } from '../../src/core/ado/errors';
import { RetryWaits, retryText } from '../../src/vscode/retryWaits';

describe('retry waits (connection lost, retrying in N s)', () => {
  it('a notice sets the wait the views show; it clears when the wait ends', async () => {
    const waits = new RetryWaits(() => 1_000);
    const seen: (string | undefined)[] = [];
    waits.onChange((w) => seen.push(w && retryText(w, 1_000)));
    waits.notice({ retry: 2, maxRetries: 3, delayMs: 6_500, error: new Error('timed out') });
    assert.equal(seen[0], 'connection lost, retrying in 7 s (retry 2 of 3)');
    await waits.sleep(5);
    assert.equal(waits.current, undefined);
    assert.deepEqual(seen.slice(1), [undefined]);
  });

  it('wake() ends a long wait at once (a user action, a poll), with no error', async () => {
    const waits = new RetryWaits();
    waits.notice({ retry: 1, maxRetries: 3, delayMs: 60_000, error: new Error('socket hang up') });
    const started = Date.now();
    const sleeping = waits.sleep(60_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(waits.wake(), 1);
    await sleeping;
    assert.ok(Date.now() - started < 1_000, 'the wait ended early');
    assert.equal(waits.wake(), 0);
  });

  it('the caller\'s cancel still rejects the wait as cancelled', async () => {
    const waits = new RetryWaits();
    const abort = new AbortController();
    const sleeping = waits.sleep(60_000, abort.signal);
    abort.abort();
    await assert.rejects(sleeping, CancelledError);
  });
});
