// The pure planner, rule by rule (table tests: no I/O, the whole file runs in milliseconds).
import assert from 'node:assert/strict';
import path from 'node:path';
import { effectiveActions, MAX_ATTACHMENTS_PER_WORK_ITEM, planWorkItem, type KnownVersion, type LocalFile, type PlannedAction, type WorkItemState } from '../../src/core/sync/planner';
import type { RemoteAttachment } from '../../src/core/sync/remoteAttachments';

const DIR = path.join('/m', '7');
const NOW = new Date('2026-11-27T12:00:00Z');
const sha = (c: string): string => c.padEnd(64, '0');

function local(name: string, content: string, extra: Partial<LocalFile> = {}): LocalFile {
  return { fileName: name, path: path.join(DIR, name), sha256: sha(content), size: content.length, inMirror: true, ...extra };
}
function remote(id: string, name: string, content?: string): RemoteAttachment {
  return { attachmentId: id, url: `https://ado/_apis/wit/attachments/${id}`, fileName: name, size: 3, sha256: content ? sha(content) : undefined };
}
function known(id: number, name: string, content: string, attachmentId: string | null, extra: Partial<KnownVersion> = {}): KnownVersion {
  return { recordId: id, fileName: name, localPath: path.join(DIR, name), sha256: sha(content), attachmentId, synced: attachmentId !== null,
    failedPermanently: false, conflictKept: false, remoteRemoved: false, deleted: false, ...extra };
}
function state(parts: Omit<Partial<WorkItemState>, 'options'> & { options?: Partial<WorkItemState['options']> }): WorkItemState {
  return {
    workItemId: 7, mirrorDir: DIR, local: [], remote: [], known: [], ownUploads: new Map(), ...parts,
    options: { policy: 'keepBoth', maxDeleteShare: 0.5, force: false, retryFailed: false, replace: false, now: NOW, ...parts.options },
  };
}
const kinds = (actions: PlannedAction[]): string[] => actions.map((a) => `${a.kind}:${a.fileName}`);
const plan = (s: WorkItemState): PlannedAction[] => effectiveActions(planWorkItem(s));

describe('planner (pure)', () => {
  it('a new local file goes up; one already linked (our record) is in sync', () => {
    const s = state({ local: [local('a.txt', 'A'), local('b.txt', 'B')], remote: [remote('r1', 'b.txt', 'B')], known: [known(1, 'b.txt', 'B', 'r1')] });
    assert.deepEqual(kinds(plan(s)), ['upload:a.txt']);
    assert.equal((plan(s)[0] as Extract<PlannedAction, { kind: 'upload' }>).reason, 'new');
  });

  it('a changed synced file goes up as a new version; with replace the older relation goes', () => {
    const s = state({ local: [local('a.txt', 'A2')], remote: [remote('r1', 'a.txt', 'A1')], known: [known(1, 'a.txt', 'A1', 'r1')] });
    const [up] = plan(s) as Extract<PlannedAction, { kind: 'upload' }>[];
    assert.deepEqual([up.kind, up.reason, up.supersedes], ['upload', 'changed', []]);
    const [replacing] = plan({ ...s, options: { ...s.options, replace: true } }) as Extract<PlannedAction, { kind: 'upload' }>[];
    assert.deepEqual(replacing.supersedes, [{ attachmentId: 'r1', fileName: 'a.txt' }]);
  });

  it('a relation we never saw is downloaded under its own name; two relations of one name get numbered names', () => {
    const s = state({ remote: [remote('r1', 'shot.png', 'X'), remote('r2', 'shot.png', 'Y')] });
    const actions = plan(s) as Extract<PlannedAction, { kind: 'download' }>[];
    assert.deepEqual(actions.map((a) => path.basename(a.localPath)).sort(), ['shot (2).png', 'shot.png']);
  });

  it('names equal after sanitising, case folding or Unicode normalisation never share a local path', () => {
    const s = state({
      remote: [remote('r1', 'report:v1.txt', 'A'), remote('r2', 'report?v1.txt', 'B'), remote('r3', 'Report_v1.TXT', 'C'), remote('r4', 'caf\u00e9.txt', 'D'), remote('r5', 'cafe\u0301.txt', 'E')],
    });
    const paths = (plan(s) as Extract<PlannedAction, { kind: 'download' }>[]).map((a) => path.basename(a.localPath).toLowerCase().normalize('NFC'));
    assert.equal(paths.length, 5);
    assert.equal(new Set(paths).size, 5, paths.join(', '));
  });

  it('a local file holding a relation\'s name: never overwritten, whatever the policy (content known)', () => {
    const base = { local: [local('notes.txt', 'mine')], remote: [remote('r1', 'notes.txt', 'theirs')], ownUploads: new Map([['r1', sha('theirs')]]) };
    const keepBoth = plan(state(base)) as Extract<PlannedAction, { kind: 'download' }>[];
    assert.equal(keepBoth.find((a) => a.kind === 'download')?.as, 'conflict');
    assert.notEqual(keepBoth.find((a) => a.kind === 'download')?.localPath, path.join(DIR, 'notes.txt'));
    const preferLocal = plan(state({ ...base, options: { policy: 'preferLocal' } }));
    assert.deepEqual(kinds(preferLocal), ['upload:notes.txt', 'keepRemoteOnly:notes.txt'], 'the local file goes up, the remote one stays in ADO only');
    const preferRemote = plan(state({ ...base, options: { policy: 'preferRemote' } })).find((a) => a.kind === 'download') as Extract<PlannedAction, { kind: 'download' }>;
    assert.equal(preferRemote.localPath, path.join(DIR, 'notes.txt'));
    assert.equal(preferRemote.moveAside?.from, path.join(DIR, 'notes.txt'));
    assert.match(path.basename(preferRemote.moveAside?.to ?? ''), /^notes \(conflict 2026-11-27 1200 from local\)\.txt$/);
  });

  it('unknown remote content under a local file\'s name is compared first, the local file waits, and the policy decides on a difference', () => {
    const s = state({ local: [local('log.txt', 'L')], remote: [remote('r1', 'log.txt')] });
    const [v] = plan(s) as Extract<PlannedAction, { kind: 'verify' }>[];
    assert.deepEqual(kinds(plan(s)), ['verify:log.txt']);
    assert.equal(v.differ.kind, 'keepBeside');
    assert.match(path.basename(v.differ.kind === 'keepBeside' ? v.differ.path : ''), /^log \(conflict 2026-11-27 1200 from ADO\)\.txt$/);
    const local1 = plan(state({ ...s, options: { policy: 'preferLocal' } }))[0] as Extract<PlannedAction, { kind: 'verify' }>;
    assert.equal(local1.differ.kind, 'keepRemoteOnly');
    const remote1 = plan(state({ ...s, options: { policy: 'preferRemote' } }))[0] as Extract<PlannedAction, { kind: 'verify' }>;
    assert.equal(remote1.differ.kind, 'replaceLocal');
  });

  it('a marker our records do not back is a claim: verified by download, never taken as my content', () => {
    // A colleague's relation whose comment names my file's hash.
    const s = state({ local: [local('mine.bin', 'MINE')], remote: [remote('r9', 'other.bin', 'MINE')] });
    const [v] = plan(s) as Extract<PlannedAction, { kind: 'verify' }>[];
    assert.deepEqual([v.kind, v.claimedSha256, v.localPath, v.differ.kind], ['verify', sha('MINE'), path.join(DIR, 'mine.bin'), 'keepBeside']);
    // Our own upload of that attachment backs the marker: adopted without a download.
    const backed = state({ ...s, ownUploads: new Map([['r9', sha('MINE')]]) });
    assert.deepEqual(kinds(plan(backed)), ['adopt:other.bin']);
  });

  it('the database lost: a marked relation our dedup index backs is adopted, not uploaded again', () => {
    const s = state({ local: [local('a.txt', 'A')], remote: [remote('r1', 'a.txt', 'A')], ownUploads: new Map([['r1', sha('A')]]) });
    assert.deepEqual(kinds(plan(s)), ['adopt:a.txt']);
  });

  it('a renamed synced file: the record follows it, nothing is uploaded or marked deleted', () => {
    const s = state({ local: [local('renamed.txt', 'A')], remote: [remote('r1', 'a.txt', 'A')], known: [known(1, 'a.txt', 'A', 'r1')] });
    assert.deepEqual(kinds(plan(s)), ['adopt:a.txt']);
  });

  it('a synced file deleted from the mirror is marked deleted locally; ADO is untouched and it is not downloaded again', () => {
    const s = state({ remote: [remote('r1', 'a.txt', 'A')], known: [known(1, 'a.txt', 'A', 'r1')] });
    assert.deepEqual(kinds(plan(s)), ['markLocalDeleted:a.txt']);
    const after = state({ remote: [remote('r1', 'a.txt', 'A')], known: [known(1, 'a.txt', 'A', 'r1', { deleted: true })] });
    assert.deepEqual(plan(after), []);
  });

  it('a relation gone from ADO marks the record; the file stays and does not go up again', () => {
    const s = state({ local: [local('a.txt', 'A')], known: [known(1, 'a.txt', 'A', 'r1')] });
    assert.deepEqual(kinds(plan(s)), ['markRemoteRemoved:a.txt']);
    const after = state({ local: [local('a.txt', 'A')], known: [known(1, 'a.txt', 'A', 'r1', { remoteRemoved: true })] });
    assert.deepEqual(plan(after), []);
  });

  it('max-delete brake: more than the share gone at once blocks the item with the counts; force proceeds; one removal never brakes', () => {
    const known3 = [known(1, 'a', 'A', 'r1'), known(2, 'b', 'B', 'r2'), known(3, 'c', 'C', 'r3')];
    const braked = planWorkItem(state({ remote: [remote('r3', 'c', 'C')], known: known3, local: [local('c', 'C')] }));
    assert.deepEqual(braked.blocked, { reason: 'max-delete', removals: 2, total: 3, maxShare: 0.5 });
    assert.deepEqual(braked.actions, []);
    const forced = planWorkItem(state({ remote: [remote('r3', 'c', 'C')], known: known3, local: [local('c', 'C')], options: { force: true } }));
    assert.equal(forced.blocked, undefined);
    assert.equal(forced.actions.filter((a) => a.kind === 'markRemoteRemoved').length, 2);
    const single = planWorkItem(state({ known: [known(1, 'a', 'A', 'r1')] }));
    assert.equal(single.blocked, undefined);
  });

  it('ADO\'s 100 attachments per work item: what does not fit is refused before a byte is sent, with the counts', () => {
    const remotes = Array.from({ length: MAX_ATTACHMENTS_PER_WORK_ITEM - 1 }, (_, i) => remote(`r${i}`, `f${i}`, `F${i}`));
    const knowns = remotes.map((r, i) => known(i + 1, r.fileName, `F${i}`, r.attachmentId));
    const locals = [...remotes.map((r, i) => local(r.fileName, `F${i}`)), local('new1', 'N1'), local('new2', 'N2'), local('new3', 'N3')];
    const actions = plan(state({ remote: remotes, known: knowns, local: locals }));
    assert.deepEqual(actions.map((a) => a.kind), ['upload', 'refuse', 'refuse']);
    assert.match((actions[1] as Extract<PlannedAction, { kind: 'refuse' }>).message, /more than 100 attachments.*99 there, 3 to add/);
  });

  it('an explicit attach of content already linked is a duplicate; of content removed in ADO it goes up again', () => {
    const outside = local('spec.pdf', 'S', { path: '/ws/docs/spec.pdf', inMirror: false, explicit: true, pendingRecordId: 5 });
    const linked = plan(state({ local: [outside], remote: [remote('r1', 'spec.pdf', 'S')], known: [known(1, 'spec.pdf', 'S', 'r1')] }));
    assert.deepEqual(kinds(linked), ['duplicate:spec.pdf']);
    const removedBefore = plan(state({ local: [outside], known: [known(1, 'spec.pdf', 'S', 'r1', { remoteRemoved: true })] }));
    assert.deepEqual(kinds(removedBefore), ['upload:spec.pdf']);
  });

  it('a permanent failure is not retried until the user asks', () => {
    const s = state({ local: [local('huge.iso', 'H')], known: [known(1, 'huge.iso', 'H', null, { failedPermanently: true })] });
    assert.deepEqual(plan(s), []);
    assert.deepEqual(kinds(plan({ ...s, options: { ...s.options, retryFailed: true } })), ['upload:huge.iso']);
  });

  it('identical content under two local names goes up once', () => {
    assert.deepEqual(kinds(plan(state({ local: [local('a.txt', 'same'), local('b.txt', 'same')] }))), ['upload:a.txt']);
  });

  it('names with control and bidi characters are made safe', () => {
    const [d] = plan(state({ remote: [remote('r1', 'invoice\u202Etxt.exe', 'I'), ] })) as Extract<PlannedAction, { kind: 'download' }>[];
    assert.equal(path.basename(d.localPath), 'invoicetxt.exe');
  });

  it('planning the applied result again changes nothing (idempotent on a synced state)', () => {
    const s = state({ local: [local('a.txt', 'A')], remote: [remote('r1', 'a.txt', 'A')], known: [known(1, 'a.txt', 'A', 'r1')] });
    assert.deepEqual(plan(s), []);
  });
});
