import * as assert from 'node:assert/strict';
import { batches, changedPaths, MAX_URIS_PER_EVENT } from '../../src/vscode/decorationChanges';

describe('Explorer badge changes', () => {
  const files = (n: number, key: (i: number) => string): Map<string, string> => new Map(Array.from({ length: n }, (_, i) => [`/w/.ado-attachments/${i % 20}/f-${i}.txt`, key(i)]));

  it('after a reload all 2,000 badges go out, in events of at most 250 URIs (VS Code caps bigger ones)', () => {
    const changed = changedPaths(new Map(), files(2_000, () => 'synced'));
    const events = batches(changed, MAX_URIS_PER_EVENT);
    assert.equal(MAX_URIS_PER_EVENT, 250);
    assert.equal(events.length, 8);
    assert.ok(events.every((e) => e.length <= 250));
    assert.equal(new Set(events.flat()).size, 2_000);
  });

  it('a poll that changed 3 of 2,000 repaints those 3 (and one badge that went away), not 2,000', () => {
    const before = files(2_000, () => 'synced');
    const after = files(2_000, (i) => (i < 3 ? 'failed' : 'synced'));
    after.delete('/w/.ado-attachments/19/f-1999.txt');
    assert.deepEqual(changedPaths(before, after), ['/w/.ado-attachments/0/f-0.txt', '/w/.ado-attachments/1/f-1.txt', '/w/.ado-attachments/2/f-2.txt', '/w/.ado-attachments/19/f-1999.txt']);
    assert.deepEqual(changedPaths(after, after), []);
  });
});
