// Real-time inbound end to end, in process: the emulator delivers real service-hook calls (from
// a subscription registered through the subscription manager) to the receiver of the inbound
// service that `serve` runs, over the real engine, a real sql.js store and a real mirror folder.
// The poll interval is an hour: whatever arrives came through the webhook.
import assert from 'node:assert/strict';
import { createAdoClient, PatAuth } from '../../src/core/ado';
import type { SyncStore } from '../../src/core/store';
import { createSyncEngine } from '../../src/core/sync/syncEngine';
import type { SyncEngine } from '../../src/core/sync/engineApi';
import {
  describeInboundState, registerWebhook, startInboundService, WEBHOOK_DEFAULTS, type InboundService, type WebhookSettings,
} from '../../src/core/webhook';
import { openStore } from '../../src/core/store';
import {
  basicAuth, colleagueAttaches, colleagueRetitles, HOOK_PASSWORD, HOOK_USER, mirrorFile, PAT, readOrUndefined, serveFixture, trackItems, waitFor,
  type ServeFixture,
} from './support';

const ITEMS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

describe('inbound service (serve logic) with the emulator delivering service hooks', function () {
  this.timeout(60_000);
  let f: ServeFixture;
  let store: SyncStore;
  let engine: SyncEngine;
  let service: InboundService;
  let webhook: WebhookSettings;
  let runs: { workItemIds: number[]; trigger: string; status: string }[];

  before(async () => {
    f = await serveFixture();
    await trackItems(f, ITEMS);
    store = await openStore({ path: f.dbPath, debounceMs: 50 });
    const client = createAdoClient({ orgUrl: f.ado.baseUrl, project: f.ado.project, auth: new PatAuth(PAT), apiVersion: '7.1' });
    engine = createSyncEngine({ client, store, settings: f.settings, workspaceRoot: f.workspace });
    webhook = { ...WEBHOOK_DEFAULTS, port: 0, authModes: ['basic'], username: HOOK_USER, password: HOOK_PASSWORD, debounceMs: 150, maxWaitMs: 2000 };
    runs = [];
    service = await startInboundService({
      engine, webhook, pollIntervalMs: 3_600_000,
      onRunFinished: (summary) => runs.push({ workItemIds: [...new Set(summary.items.map((i) => i.workItemId))], trigger: summary.trigger, status: summary.status }),
    });
    const project = await client.getProject(f.ado.project);
    await registerWebhook(client, { id: project.id, name: project.name }, { ...webhook, publicUrl: service.receiver?.url }, store.webhooks);
  });
  after(async () => {
    await service?.stop();
    await engine?.close();
    store?.close();
    await f?.close();
  });

  const post = (body: string, headers: Record<string, string>) =>
    fetch(service.receiver!.url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

  it('an attachment a colleague adds arrives in the mirror without waiting for the poll; history says webhook', async () => {
    const bytes = Buffer.from(`screenshot bytes ${Date.now()}\n`);
    const started = Date.now();
    await colleagueAttaches(f, 5, 'from-colleague.txt', bytes);
    const got = await waitFor('the file in the mirror', () => readOrUndefined(mirrorFile(f, 5, 'from-colleague.txt')));
    assert.deepEqual(got, bytes);
    assert.ok(Date.now() - started < 10_000);
    assert.equal(service.state().poll.lastCheckedAt, undefined, 'the poll never ran');
    const history = store.history.page({ trigger: 'webhook', workItemId: 5 }, 50).rows;
    assert.ok(history.length >= 1, 'the run is in the history with trigger webhook');
    assert.ok(history.every((h) => h.status !== 'in_progress' || h === history[0]));
    const r = service.state().receiver!;
    assert.ok(r.lastEventAt instanceof Date);
    assert.equal(r.listening, true);
    assert.match(describeInboundState(service.state()).join('\n'), /listening on http:\/\/127\.0\.0\.1:\d+\/api\/webhooks\/workitem/);
  });

  it('wrong or missing credentials, oversized and malformed bodies, duplicates and unknown events get their answer; nothing is queued', async () => {
    await waitFor('quiet worker', () => service.state().sync.active === 0 && service.state().sync.dirty === 0);
    const before = service.state();
    const runsBefore = runs.length;
    const good = basicAuth(HOOK_USER, HOOK_PASSWORD);
    const event = (id: string, workItemId: number) => JSON.stringify({ id, subscriptionId: 's', notificationId: 1, eventType: 'workitem.updated', resource: { id: 99, workItemId, rev: 9 } });
    assert.equal((await post(event('w1', 6), {})).status, 401, 'missing credentials');
    assert.equal((await post(event('w2', 6), { authorization: basicAuth(HOOK_USER, 'guess') })).status, 401, 'wrong password');
    assert.equal((await post(`{"eventType":"workitem.updated","pad":"${'x'.repeat(1024 * 1024)}"}`, { authorization: good })).status, 413);
    assert.equal((await post('{"eventType": "workitem.upd', { authorization: good })).status, 400);
    assert.equal((await post(JSON.stringify({ id: 'b1', eventType: 'build.complete', resource: { id: 6 } }), { authorization: good })).status, 202);
    const dup = event('dup-1', 11);
    // Item 11 is not tracked: the first delivery is accepted but queues nothing, its replay is a duplicate.
    assert.equal((await post(dup, { authorization: good })).status, 202);
    assert.equal((await post(dup, { authorization: good })).status, 202);
    await new Promise((resolve) => setTimeout(resolve, 700));
    const after = service.state();
    const was = before.receiver!.rejections;
    const now = after.receiver!.rejections;
    assert.equal(after.receiver!.rejected - before.receiver!.rejected, 4);
    assert.deepEqual(
      { unauthorized: now.unauthorized - was.unauthorized, malformed: now.malformed - was.malformed, tooLarge: now.tooLarge - was.tooLarge },
      { unauthorized: 2, malformed: 1, tooLarge: 1 },
    );
    assert.equal(after.receiver!.ignored - before.receiver!.ignored, 1);
    assert.equal(after.receiver!.duplicates - before.receiver!.duplicates, 1);
    assert.equal(after.untrackedEvents - before.untrackedEvents, 1);
    assert.equal(runs.length, runsBefore, 'no sync ran for any of them');
    assert.equal(store.history.page({ workItemId: 6 }, 50).rows.length, 0);
  });

  it('500 deliveries for 10 work items: a handful of runs per item, all 10 converge with equal bytes', async () => {
    await waitFor('quiet worker', () => service.state().sync.active === 0 && service.state().sync.dirty === 0);
    runs.length = 0;
    const files = new Map<number, Buffer>();
    const acceptedBefore = service.state().receiver!.accepted;
    // Per item: one attachment and 49 other edits, all at once.
    await Promise.all(ITEMS.flatMap((id) => {
      const bytes = Buffer.from(`flood file of ${id}: ${'z'.repeat(id * 100)}\n`);
      files.set(id, bytes);
      return [colleagueAttaches(f, id, `flood-${id}.txt`, bytes), ...Array.from({ length: 49 }, (_, n) => colleagueRetitles(f, id, `edit ${n} of ${id}`))];
    }));
    await waitFor('500 deliveries accepted', () => service.state().receiver!.accepted - acceptedBefore >= 500, 30_000);
    for (const id of ITEMS) {
      const got = await waitFor(`flood-${id}.txt in the mirror`, () => readOrUndefined(mirrorFile(f, id, `flood-${id}.txt`)), 30_000);
      assert.deepEqual(got, files.get(id), `bytes of item ${id}`);
    }
    await waitFor('quiet worker', () => service.state().sync.active === 0 && service.state().sync.dirty === 0);
    await new Promise((resolve) => setTimeout(resolve, 800));
    for (const id of ITEMS) {
      const n = runs.filter((r) => r.workItemIds.includes(id)).length;
      assert.ok(n >= 1 && n <= 5, `item ${id}: ${n} sync runs with transfers for 50 deliveries`);
    }
    assert.ok(runs.every((r) => r.trigger === 'webhook'), 'no poll run');
    assert.equal(service.state().runs.failed, 0, service.state().runs.lastError);
  });

  it('a host-driven sync of all tracked items goes through the same coordinator', async () => {
    runs.length = 0;
    const summary = await engine.sync({ trigger: 'manual' });
    assert.equal(summary.status, 'completed');
    assert.deepEqual(runs.map((r) => [r.trigger, r.status]), [['manual', 'completed']]);
    assert.equal(store.history.page({ trigger: 'manual' }, 10).rows[0]?.status, 'completed');
  });
});
