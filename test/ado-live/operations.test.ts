// Every operation of the client against the real emulator over loopback HTTP.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { type AdoClient, BadRequestError, IntegrityError, NotFoundError, webHookSubscription } from '../../src/core/ado';
import type { RunningEmulator } from '../emulator/index';
import {
  attachmentRelations,
  clientFor,
  elapsedSince,
  emulatorState,
  emulatorStats,
  ROUTE,
  routeDelta,
  type ScratchDir,
  setFaults,
  storedAttachment,
  useLiveEmulator,
  waitForStats,
} from './support';

describe('ado client live: every operation against the emulator', function () {
  this.timeout(20_000);
  // 12 demo items + 988 generated: enough for five workitemsbatch calls.
  const live = useLiveEmulator({ workItems: 988 });
  let emulator: RunningEmulator;
  let client: AdoClient;
  let dir: ScratchDir;
  before(() => ({ emulator, client, dir } = live));

  it('whoAmI, listProjects and getProject (by name and id; unknown -> NotFoundError)', async () => {
    const me = await client.whoAmI();
    assert.equal(me.authenticatedUser.providerDisplayName, 'Ada Tester');
    const projects = await client.listProjects();
    assert.deepEqual(projects.map((p) => p.name), ['Demo']);
    const byName = await client.getProject('Demo');
    const byId = await client.getProject(byName.id);
    assert.equal(byId.name, 'Demo');
    await assert.rejects(client.getProject('Nope'), (error: unknown) => error instanceof NotFoundError && error.status === 404);
  });

  it('getWorkItem with relations, and with a field list', async () => {
    const item = await client.getWorkItem(3, { expand: 'relations' });
    assert.equal(item.fields['System.Title'], 'Download an invoice as PDF');
    assert.ok(item.relations?.some((r) => r.rel === 'AttachedFile'));
    const slim = await client.getWorkItem(3, { fields: ['System.Title'] });
    assert.deepEqual(Object.keys(slim.fields), ['System.Title']);
  });

  it('getWorkItems splits 1,000 ids into 200-id batches, 2 at a time, in order, omitting missing ids', async () => {
    const ids = Array.from({ length: 1000 }, (_, i) => i + 1);
    ids[500] = 99_999; // no such item
    const bounded = clientFor(emulator, { batchConcurrency: 2 });
    // Each batch call waits 400 ms on the server: 5 batches, 2 in flight -> 3 rounds (~1.2 s);
    // all at once would take ~0.4 s, one by one ~2 s.
    await setFaults(emulator, [{ route: 'workitemsbatch', rate: 1, kinds: ['delay'], delayMs: 400 }]);
    const before = await emulatorStats(emulator);
    const started = performance.now();
    const items = await bounded.getWorkItems(ids, { fields: ['System.Id', 'System.Title'], errorPolicy: 'omit' });
    const ms = elapsedSince(started);
    const delta = routeDelta(before, await emulatorStats(emulator), ROUTE.batch);
    assert.deepEqual([delta.count, delta.byStatus], [5, { 200: 5 }], 'five calls, none refused for >200 ids (VS403474)');
    assert.ok(ms >= 1150, `at most 2 batches in flight (took ${ms.toFixed(0)} ms)`);
    assert.ok(ms < 1900, `batches run in parallel (took ${ms.toFixed(0)} ms)`);
    assert.equal(items.length, 1000);
    assert.equal(items[500], null);
    assert.deepEqual(items.map((w, i) => (i === 500 ? 99_999 : w?.id)), ids);
  });

  it('createWorkItem under a parent links both ways; deleteWorkItem sends it to the recycle bin', async () => {
    const parent = await client.createWorkItem({ type: 'Feature', fields: { 'System.Title': 'Live parent' } });
    const child = await client.createWorkItem({ type: 'Task', fields: { 'System.Title': 'Live child' }, parentId: parent.id });
    const read = await client.getWorkItem(child.id, { expand: 'relations' });
    assert.ok(read.relations?.some((r) => r.rel === 'System.LinkTypes.Hierarchy-Reverse' && r.url.endsWith(`/workItems/${parent.id}`)));
    const parentRead = await client.getWorkItem(parent.id, { expand: 'relations' });
    assert.ok(parentRead.relations?.some((r) => r.rel === 'System.LinkTypes.Hierarchy-Forward' && r.url.endsWith(`/workItems/${child.id}`)));

    const deleted = await client.deleteWorkItem(child.id);
    assert.equal(deleted?.id, child.id);
    await assert.rejects(client.getWorkItem(child.id), (error: unknown) => error instanceof NotFoundError && /TF401232/.test(error.serverMessage ?? ''));
    assert.equal((await emulatorState(emulator)).workItems.find((w) => w.id === child.id)?.deleted, true);
  });

  it('queryWiql / queryWorkItemIds compare times with timePrecision, and the server refuses a time without it', async () => {
    const marker = `wiql-${Date.now()}`;
    const created = await client.createWorkItem({ type: 'Bug', fields: { 'System.Title': marker } });
    const since = new Date(Date.parse(String(created.fields['System.ChangedDate'])) - 1000).toISOString();
    const query = `SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND [System.ChangedDate] >= '${since}' AND [System.Title] = '${marker}'`;
    const { ids } = await client.queryWorkItemIds(query);
    assert.deepEqual(ids, [created.id]);
    const full = await client.queryWiql(query, { top: 5 });
    assert.equal(full.queryType, 'flat');
    await assert.rejects(client.queryWiql(query, { timePrecision: false }), (error: unknown) => error instanceof BadRequestError && error.status === 400 && /time with the date/.test(error.serverMessage ?? ''));
  });

  it('getWorkItemUpdates pages through every update', async () => {
    const item = await client.createWorkItem({ type: 'Task', fields: { 'System.Title': 'updates' } });
    for (let i = 1; i <= 4; i++) await client.updateWorkItem(item.id, [{ op: 'replace', path: '/fields/System.Title', value: `updates ${i}` }]);
    const before = await emulatorStats(emulator);
    const updates = await client.getWorkItemUpdates(item.id, { pageSize: 2 });
    assert.deepEqual(updates.map((u) => u.rev), [1, 2, 3, 4, 5]);
    assert.equal(updates[4].fields?.['System.Title']?.newValue, 'updates 4');
    assert.equal(routeDelta(before, await emulatorStats(emulator), 'GET /_apis/wit/workitems/{id}/updates').count, 3);
  });

  it('reportingRevisionBatches follows the continuation token; a stored token resumes with only what changed since', async () => {
    // Every revision of every item not deleted (the feed leaves deleted ones out unless includeDeleted): rev counts them.
    const total = (await emulatorState(emulator)).workItems.filter((w) => !w.deleted).reduce((n, w) => n + w.rev, 0);
    let seen = 0;
    let batches = 0;
    let token: string | undefined;
    for await (const batch of client.reportingRevisionBatches({ maxPageSize: 400 })) {
      seen += batch.values.length;
      batches += 1;
      token = batch.continuationToken;
      assert.ok(batches < 50, 'bounded');
    }
    assert.ok(batches >= 3, `several pages (${batches})`);
    assert.equal(seen, total, 'every revision once');
    const caughtUp = await client.readReportingRevisions({ continuationToken: token });
    assert.deepEqual([caughtUp.values.length, caughtUp.isLastBatch], [0, true]);
    await client.updateWorkItem(5, [{ op: 'replace', path: '/fields/System.Title', value: 'changed after the token' }]);
    const next = await client.readReportingRevisions({ continuationToken: token });
    assert.deepEqual(next.values.map((v) => [v.id, v.fields['System.Title']]), [[5, 'changed after the token']]);
  });

  it('uploadAttachment streams a file in one POST; uploadAttachmentChunked sends 64 KiB ranges', async () => {
    const file = await dir.file('simple.bin', 300_000);
    const before = await emulatorStats(emulator);
    const simple = await client.uploadAttachment(file.path);
    const afterSimple = await emulatorStats(emulator);
    const post = routeDelta(before, afterSimple, ROUTE.attachments);
    assert.equal(post.count, 1);
    assert.ok(post.bytesIn >= file.size && post.bytesIn < file.size + 2048, `the file once, plus headers (${post.bytesIn})`);
    assert.deepEqual([simple.sha256, simple.size], [file.sha256, file.size]);
    assert.equal(storedAttachment(await emulatorState(emulator), simple.id).sha256, file.sha256);

    const sessions: number[] = [];
    const chunked = await client.uploadAttachmentChunked(file.path, { fileName: 'chunked.bin', chunkSize: 64 * 1024, onSession: (r) => void sessions.push(r.nextByte) });
    const puts = routeDelta(afterSimple, await emulatorStats(emulator), ROUTE.chunk);
    assert.deepEqual(puts.byStatus, { 202: 4, 201: 1 }, '202 until the last chunk, then 201');
    assert.deepEqual(sessions, [0, 65536, 131072, 196608, 262144, 300000]);
    const stored = storedAttachment(await emulatorState(emulator), chunked.id);
    assert.deepEqual([stored.sha256, stored.size, stored.complete, stored.chunked, stored.fileName], [file.sha256, file.size, true, true, 'chunked.bin']);
    assert.equal(chunked.sha256, file.sha256);
  });

  it('downloadAttachment verifies size and hash into a temp file, then renames; a wrong hash leaves nothing', async () => {
    const file = await dir.file('down.bin', 200_000);
    const uploaded = await client.uploadAttachment(file.path);
    const dest = path.join(dir.path, 'out', 'down.bin');
    const result = await client.downloadAttachment(uploaded.url, dest, { expectedSize: file.size, expectedSha256: file.sha256, fileName: 'down.bin' });
    assert.deepEqual([result.size, result.sha256], [file.size, file.sha256]);
    assert.equal(createHash('sha256').update(await readFile(dest)).digest('hex'), file.sha256);

    const wrong = path.join(dir.path, 'out', 'wrong.bin');
    await assert.rejects(client.downloadAttachment(uploaded.id, wrong, { expectedSha256: '0'.repeat(64) }), IntegrityError);
    assert.deepEqual(await readdir(path.join(dir.path, 'out')), ['down.bin'], 'no wrong.bin and no temp file');
  });

  it('linkAttachment adds one relation with test /rev; linking again finds it; removeAttachmentRelation removes it', async () => {
    const file = await dir.file('link.txt', 1000);
    const uploaded = await client.uploadAttachment(file.path);
    const before = await emulatorStats(emulator);
    const first = await client.linkAttachment(4, uploaded.url, { comment: `sha256:${file.sha256}`, name: 'link.txt' });
    assert.equal(first.alreadyLinked, false);
    assert.equal(first.relation.attributes?.comment, `sha256:${file.sha256}`);
    const again = await client.linkAttachment(4, uploaded.url);
    assert.equal(again.alreadyLinked, true);
    assert.equal(routeDelta(before, await emulatorStats(emulator), ROUTE.patch).count, 1, 'the second link only reads');
    const linked = attachmentRelations(await emulatorState(emulator), 4).filter((r) => r.url.includes(uploaded.id));
    assert.equal(linked.length, 1);

    const removed = await client.removeAttachmentRelation(4, uploaded.url);
    assert.equal(removed.removed, true);
    assert.equal((await client.removeAttachmentRelation(4, uploaded.id)).removed, false);
    assert.equal(attachmentRelations(await emulatorState(emulator), 4).filter((r) => r.url.includes(uploaded.id)).length, 0);
  });

  it('a change between the read and the PATCH gives 412; the link re-reads and applies on top', async () => {
    const file = await dir.file('race.txt', 500);
    const uploaded = await client.uploadAttachment(file.path);
    const before = await emulatorStats(emulator);
    // Hold the first PATCH on the server until a colleague has changed the item.
    await setFaults(emulator, [{ route: 'workitems', method: 'PATCH', rate: 1, kinds: ['delay'], delayMs: 600, count: 1 }]);
    const linking = client.linkAttachment(6, uploaded.url, { comment: 'ours' });
    await waitForStats(emulator, (s) => s.faultsInjected > before.faultsInjected);
    const colleague = await fetch(`http://127.0.0.1:${emulator.port}/_emulator/work-items/6/attachments?fileName=theirs.txt`, { method: 'POST', body: 'theirs' });
    assert.equal(colleague.status, 200);
    const result = await linking;
    assert.equal(result.alreadyLinked, false);
    assert.deepEqual(routeDelta(before, await emulatorStats(emulator), ROUTE.patch).byStatus, { 200: 1, 412: 1 });
    const names = attachmentRelations(await emulatorState(emulator), 6).map((r) => r.attributes.name);
    assert.deepEqual(names.filter((n) => n === 'race.txt' || n === 'theirs.txt').sort(), ['race.txt', 'theirs.txt']);
  });

  it('service hook subscriptions: create, list (filtered), get, delete', async () => {
    const project = await client.getProject('Demo');
    const input = webHookSubscription({ eventType: 'workitem.updated', projectId: project.id, url: 'http://127.0.0.1:9/hooks', httpHeaders: { 'X-Secret': 's3cret' } });
    const created = await client.createSubscription(input);
    assert.equal(created.status, 'enabled');
    assert.deepEqual((await client.listSubscriptions({ eventType: 'workitem.updated' })).map((s) => s.id), [created.id]);
    assert.deepEqual(await client.listSubscriptions({ eventType: 'workitem.created' }), []);
    assert.equal((await client.getSubscription(created.id)).consumerInputs.url, 'http://127.0.0.1:9/hooks');
    await client.deleteSubscription(created.id);
    assert.deepEqual(await client.listSubscriptions(), []);
    await assert.rejects(client.getSubscription(created.id), NotFoundError);
  });
});
