// Defects the planner properties found, each as its shrunk case (seed and case from the run that
// found it; test/model/convergence.ts names the rule each one broke). Details and the fixes:
// the convergence findings note of issue 17.
import { strict as assert } from 'node:assert';
import { conflictFileName, numberedFileName, sanitizeFileName } from '../../src/core/sync/localFileName';
import type { Case, Entry } from './arbitraries';
import { violationsOf } from './properties';

const keepBoth = { policy: 'keepBoth', maxDeleteShare: 0, force: false, retryFailed: false, replace: false } as const;

function check(entries: Entry[], options: Partial<Case['options']> = {}, seed = 0): void {
  assert.deepEqual(violationsOf({ entries, filler: 0, options: { ...keepBoth, ...options } }, seed), []);
}

describe('planner regressions (shrunk cases of the properties)', () => {
  it('01 a second file of content a relation only claims waits for the compare instead of going up beside it', () => {
    // Found by the whole-system run seed 7021 on the coordinator (two mirror files of the content another client linked).
    check([
      { t: 'lost', name: 'notes.md', content: 'A', localFile: false, own: false },
      { t: 'local', name: 'report.txt', content: 'A' },
      { t: 'local', name: 'data.bin', content: 'A' },
    ], { maxDeleteShare: 0.5 });
    check([
      { t: 'lost', name: 'report.txt', content: 'A', localFile: false, own: false },
      { t: 'local', name: 'report.txt', content: 'A' },
      { t: 'kept', name: 'invoicetxt.exe', content: 'B', localContent: 'A' },
    ]);
  });

  it('02 two relations of one content: the choice (adopt, verify) does not depend on the order of the listing', () => {
    check([
      { t: 'kept', name: 'report.txt', content: 'A', localContent: 'A' },
      { t: 'synced', name: 'Report.TXT', content: 'A', local: { changed: 'A' }, remote: 'present', own: false },
    ]);
    check([
      { t: 'colleague', name: 'report.txt', content: 'A', marker: 'honest' },
      { t: 'lost', name: 'report.txt', content: 'A', localFile: true, own: false },
    ]);
    check([
      { t: 'explicit', name: 'report.txt', content: 'A', inMirror: false, pending: false },
      { t: 'colleague', name: 'report.txt', content: 'A', marker: { forged: 'A' } },
      { t: 'colleague', name: 'report.txt', content: 'A', marker: 'honest' },
    ]);
  });

  it('03 a forged marker does not let a same-named local file go up unchecked (it is compared first)', () => {
    check([
      { t: 'synced', name: 'report.txt', content: 'A', local: { changed: 'C' }, remote: 'present', own: false },
      { t: 'colleague', name: 'report.txt', content: 'C', marker: { forged: 'A' } },
    ]);
    check([{ t: 'colleague', name: 'report.txt', content: 'A', marker: { forged: 'D' } }]);
  });

  it('04 replace removes earlier versions of the edited file only: not a version preferLocal kept in ADO, not another file of that name', () => {
    check([{ t: 'kept', name: 'report.txt', content: 'A', localContent: 'E' }], { replace: true });
    check([
      { t: 'kept', name: 'CON.txt', content: 'C', localContent: 'A' },
      { t: 'local', name: 'report.txt', content: 'C' },
    ], { replace: true });
  });

  it('05 a colleague relation without marker, as large as a new local file, is fetched before that file goes up', () => {
    check([
      { t: 'colleague', name: 'report.txt', content: 'E', marker: 'none' },
      { t: 'synced', name: 'café.txt', content: 'A', local: { changed: 'E' }, remote: 'present', own: false },
    ]);
  });

  it('06 content removed on both sides and attached again later is downloaded again', () => {
    check([
      { t: 'synced', name: 'report.txt', content: 'B', local: 'deleted', remote: 'removed', own: false },
      { t: 'lost', name: 'report.txt', content: 'B', localFile: false, own: true },
    ]);
  });

  it('08 preferRemote: two relations of one name and a different local file: one takes the name, the other gets its own', () => {
    // Seed 4242 (soak of 100,000 cases), case 2858: both downloads moved the same file aside and landed on its name.
    check([
      { t: 'failed', name: 'invoicetxt.exe', content: 'A' },
      { t: 'synced', name: 'invoicetxt.exe', content: 'C', local: { changed: 'A' }, remote: 'present', own: true },
      { t: 'lost', name: 'invoicetxt.exe', content: 'E', localFile: false, own: true },
    ], { policy: 'preferRemote' });
  });

  it('07 a numbered or conflict name of a name at the byte limit keeps its suffix (allocation looped forever)', () => {
    const longest = sanitizeFileName(`${'long'.repeat(60)}.txt`);
    assert.notEqual(numberedFileName(longest, 2), longest);
    assert.match(numberedFileName(longest, 2), / \(2\)\.txt$/);
    assert.match(conflictFileName(longest, 'ADO', new Date('2026-11-27T10:00:00Z')), / \(conflict 2026-11-27 1000 from ADO\)\.txt$/);
    assert.ok(Buffer.byteLength(numberedFileName(longest, 2)) <= 200);
  });
});
