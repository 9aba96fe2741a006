// The one coordinator on the real emulator and a real store: a change seen is synced or stays
// dirty (a failed download arrives later with no user action), the brake blocks only its work item,
// separate triggers sync several work items at once, and a run's history row is on disk before
// its first request.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import path from 'node:path';
import { openStore } from '../../src/core/store';
import { CliFixture } from '../cli/support';
import { adminUrl } from '../emulator-tests/client';
import { SyncWorld } from './support';

async function faults(w: SyncWorld, rules: unknown[]): Promise<void> {
  await fetch(adminUrl(w.emulator, '/_emulator/faults'), rules.length === 0 ? { method: 'DELETE' }
    : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ rules }) });
}

async function until<T>(what: string, ms: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('sync coordinator on the emulator', function () {
  this.timeout(60_000);
  let w: SyncWorld;
  beforeEach(async () => { w = await new SyncWorld().start({}, {}); });
  afterEach(async () => { await w.stop(); });

  it('a download that fails during a poll is not forgotten: it arrives later with no user action, and empty polls write nothing', async () => {
    await w.reopen({}, { backoff: { baseMs: 50, capMs: 300 } });
    await w.engine.track([5]);
    await w.engine.poll(); // first poll: everything, and the feed position
    await w.colleagueAttaches(5, 'late.txt', 'arrives late');
    await faults(w, [{ kinds: ['500'], rate: 1, route: '/_apis/wit/attachments/', method: 'GET' }]);
    const failed = await w.engine.poll();
    assert.equal(failed?.status, 'failed', JSON.stringify(failed?.items));
    assert.equal(fs.existsSync(path.join(w.mirror, '5', 'late.txt')), false);
    assert.notEqual(w.store.dirtyItems.get('Demo', 5), undefined, 'still dirty (waiting for its retry), with its reason');
    assert.match(w.store.dirtyItems.get('Demo', 5)?.lastError ?? '', /TF400898|500|server/i);
    await faults(w, []);
    // The background (as `serve --poll-only` or the extension runs it): the item is retried on its own.
    w.engine.start({ pollIntervalMs: 200 });
    await until('late.txt in the mirror', 10_000, () => (fs.existsSync(path.join(w.mirror, '5', 'late.txt')) ? true : undefined));
    assert.equal(fs.readFileSync(path.join(w.mirror, '5', 'late.txt'), 'utf8'), 'arrives late');
    await until('the item synced', 5_000, () => (w.store.dirtyItems.get('Demo', 5) === undefined ? true : undefined));
    // Nothing changes any more: polls leave no history row and do not touch the database file.
    w.engine.setPollInterval(0);
    w.store.flush();
    const runs = w.store.history.page({}, 1000).total;
    const mtime = fs.statSync(w.dbPath).mtimeMs;
    for (let i = 0; i < 3; i++) assert.equal(await w.engine.poll(), undefined);
    await new Promise((r) => setTimeout(r, 150)); // past the store's debounce
    assert.equal(w.store.history.page({}, 1000).total, runs, 'no history row for an empty poll');
    assert.equal(w.store.isDirty, false, 'nothing written');
    assert.equal(fs.statSync(w.dbPath).mtimeMs, mtime, 'the database file untouched');
    assert.ok(w.engine.state().lastCheckedAt instanceof Date, 'the last check is known (in memory)');
  });

  it('the max-delete brake blocks only its work item, with the counts; other items sync; --force proceeds', async () => {
    await w.engine.track([3, 4]);
    for (const name of ['a.txt', 'b.txt', 'c.txt']) await w.colleagueAttaches(4, name, name);
    await w.engine.sync();
    for (const name of ['a.txt', 'b.txt', 'c.txt']) await w.removeRelation(4, name);
    await w.colleagueAttaches(3, 'fresh.txt', 'fresh');
    const run = await w.engine.sync();
    const blocked = run.items.filter((i) => i.status === 'blocked');
    assert.deepEqual(blocked.map((b) => b.workItemId), [4]);
    assert.match(blocked[0].error?.message ?? '', /3 of its 5 synced attachments are gone/);
    assert.ok(run.items.some((i) => i.workItemId === 3 && i.fileName === 'fresh.txt' && i.status === 'downloaded'), 'item 3 synced all the same');
    assert.deepEqual(w.store.dirtyItems.get('Demo', 4)?.blockedDetails, { reason: 'max-delete', removals: 3, total: 5, maxShare: 0.5 });
    assert.equal(w.store.attachments.forWorkItem(4).filter((r) => r.remoteRemovedAt).length, 0, 'nothing marked');
    assert.equal(w.engine.state().blocked.length, 1);
    const forced = await w.engine.sync({ workItemIds: [4], force: true });
    assert.equal(forced.counters.remoteRemoved, 3);
    assert.equal(w.store.dirtyItems.get('Demo', 4), undefined);
    for (const name of ['a.txt', 'b.txt', 'c.txt']) assert.ok(fs.existsSync(path.join(w.mirror, '4', name)), 'local files stay');
  });

  it('separate triggers sync several work items at once (overlapping requests in the emulator\'s log)', async () => {
    const ids = [3, 4, 5, 6];
    await w.engine.track(ids);
    await w.engine.sync();
    for (const id of ids) w.randomFile(`.ado-attachments/${id}/big-${id}.bin`, 200 * 1024);
    await faults(w, [{ kinds: ['delay'], rate: 1, route: '/_apis/wit/attachments', method: 'POST', delayMs: 400 }]);
    const since = Date.now();
    const runs = await Promise.all(ids.map((id) => w.engine.sync({ workItemIds: [id], trigger: 'webhook' })));
    assert.deepEqual(runs.map((r) => r.counters.uploaded), [1, 1, 1, 1]);
    const log = (await (await fetch(adminUrl(w.emulator, '/_emulator/requests'))).json()) as { method: string; path: string; startedMs: number; endedMs: number }[];
    const uploads = log.filter((r) => r.method === 'POST' && r.path.endsWith('/_apis/wit/attachments') && r.startedMs >= since);
    assert.equal(uploads.length, 4);
    const overlapping = Math.max(...uploads.map((u) => uploads.filter((v) => v.startedMs < u.endedMs && u.startedMs < v.endedMs).length));
    assert.ok(overlapping >= 3, `only ${overlapping} of 4 uploads (one per work item) ran at once: ${JSON.stringify(uploads)}`);
  });

  it('a tracked work item deleted in ADO is said by the next poll (the feed includes deletions)', async () => {
    await w.engine.track([6]);
    await w.engine.poll();
    const res = await fetch(`${w.emulator.baseUrl}/Demo/_apis/wit/workitems/6?api-version=7.1`, {
      method: 'DELETE', headers: { Authorization: `Basic ${Buffer.from(':test-pat').toString('base64')}`, 'X-TFS-FedAuthRedirect': 'Suppress' } });
    assert.ok(res.ok, String(res.status));
    const run = await w.engine.poll();
    assert.deepEqual(run?.items.map((i) => [i.workItemId, i.status, i.error?.code]), [[6, 'failed', 'WorkItemNotFound']]);
  });

  it('a sync whose processing breaks unexpectedly (the store closed under it) still ends, with the error', async () => {
    await w.engine.track([5]);
    await faults(w, [{ kinds: ['delay'], rate: 1, route: '/_apis/wit/attachments', method: 'POST', delayMs: 300 }]);
    const file = w.file('docs/x.txt', 'x');
    w.engine.events.on('runStarted', () => setTimeout(() => w.store.close(), 100));
    const ended = await Promise.race([w.engine.attach({ files: [file], workItemId: 5 }).then((r) => r.status), new Promise((r) => setTimeout(() => r('hung'), 10_000))]);
    assert.equal(ended, 'failed');
  });

  it('an attach that failed on every try is shown failed and not retried behind the user\'s back', async () => {
    await w.reopen({}, { backoff: { baseMs: 20, capMs: 100 } });
    await w.engine.track([5]);
    await faults(w, [{ kinds: ['500'], rate: 1, route: '/_apis/wit/attachments', method: 'POST' }]);
    const run = await w.engine.attach({ files: [w.file('docs/flaky.txt', 'flaky')], workItemId: 5 });
    assert.equal(run.status, 'failed');
    assert.equal(w.store.dirtyItems.get('Demo', 5), undefined, 'no background retry queued');
    assert.equal(w.store.attachments.forWorkItem(5).find((r) => r.fileName === 'flaky.txt')?.syncStatus, 'FAILED');
    await faults(w, []);
    const retried = await w.engine.attach({ files: [path.join(w.workspace, 'docs/flaky.txt')], workItemId: 5 });
    assert.deepEqual(retried.items.map((i) => i.status), ['uploaded'], 'Retry attaches it');
  });

  it('attaches asked for at once on one work item: each run answers for its own file, none for another\'s', async () => {
    await w.engine.track([5]);
    const files = Array.from({ length: 6 }, (_, i) => w.file(`docs/same-${i}.txt`, `same item ${i}`));
    // Started together: one processing of the work item finds several requests waiting.
    const runs = await Promise.all(files.map((file) => w.engine.attach({ files: [file], workItemId: 5 })));
    runs.forEach((run, i) => {
      assert.deepEqual(run.items.map((item) => `${item.fileName} ${item.status}`), [`same-${i}.txt uploaded`], `run ${i}: ${JSON.stringify(run.items)}`);
    });
    assert.equal((await w.relations(5)).filter((r) => r.attributes.name?.startsWith('same-')).length, 6);
  });

  it('links the files attached to one work item in one PATCH', async () => {
    await w.engine.track([5]);
    const files = Array.from({ length: 20 }, (_, i) => w.file(`docs/f${i}.txt`, `file ${i}`));
    const before = (await w.state()).workItems.find((x) => x.id === 5)?.rev ?? 0;
    const run = await w.engine.attach({ files, workItemId: 5 });
    assert.equal(run.counters.uploaded, 20, JSON.stringify(run.items));
    const after = (await w.state()).workItems.find((x) => x.id === 5)?.rev ?? 0;
    assert.equal(after - before, 1, 'one revision for 20 links');
  });
});

describe('a run killed before its first answer', function () {
  this.timeout(60_000);
  const f = new CliFixture();
  before(async () => { await f.start(); });
  after(() => f.stop());

  it('has its history row on disk (interrupted at the next start)', async () => {
    const cli = path.resolve(__dirname, '../../dist/cli.js');
    assert.ok(fs.existsSync(cli), 'dist/cli.js is missing: run "npm run build" first');
    assert.equal((await f.run(['track', '5'])).code, 0);
    await fetch(adminUrl(f.ado, '/_emulator/faults'), { method: 'POST', headers: { 'Content-Type': 'application/json' },
      // Work item routes only: the CLI's connection check (connectionData, the project) answers first.
      body: JSON.stringify({ rules: [{ kinds: ['delay'], rate: 1, delayMs: 30_000, route: '/_apis/wit/' }] }) });
    const arrived = f.ado.state.arrived;
    const child = spawn(process.execPath, [cli, 'sync'], { cwd: f.dir, env: { ...f.env, PATH: process.env.PATH ?? '' }, stdio: 'ignore' });
    const closed = new Promise((resolve) => child.once('close', resolve));
    // The two requests of the check, then the first request of the run, whose answer is 30 s away.
    await until('the first request of the run', 20_000, () => (f.ado.state.arrived > arrived + 2 ? true : undefined));
    child.kill('SIGKILL');
    await closed;
    await fetch(adminUrl(f.ado, '/_emulator/faults'), { method: 'DELETE' });
    const store = await openStore({ path: f.dbPath, readOnly: true });
    try {
      const runs = store.history.page({ trigger: 'manual' }, 10).rows;
      assert.equal(runs[0]?.status, 'in_progress', JSON.stringify(runs));
    } finally {
      store.close();
    }
    assert.equal((await f.run(['sync'])).code, 0, 'the next writer recovers and syncs');
    const history = await f.withStore((store) => store.history.page({ trigger: 'manual' }, 10).rows);
    assert.deepEqual(history.map((r) => [r.status, r.errorMessage]), [['completed', null], ['failed', 'interrupted']]);
  });
});

