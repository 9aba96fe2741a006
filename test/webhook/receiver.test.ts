import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startWebhookReceiver, type WebhookReceiver } from '../../src/core/webhook';
import { WEBHOOK_DEFAULTS, type WebhookSettings } from '../../src/core/webhook/settings';

const basic = 'Basic ' + Buffer.from('hook:pw').toString('base64');
const settings: WebhookSettings = {
  ...WEBHOOK_DEFAULTS, port: 0, authModes: ['basic', 'hmac'], username: 'hook', password: 'pw', secret: 's3', debounceMs: 250,
};

function ev(id: string, workItemId: number, eventType = 'workitem.updated'): string {
  return JSON.stringify({ id, notificationId: id, eventType, resource: eventType === 'workitem.updated' ? { id: 9, workItemId } : { id: workItemId } });
}

describe('webhook receiver', () => {
  let r: WebhookReceiver;
  let calls: number[];
  beforeEach(async () => {
    calls = [];
    r = await startWebhookReceiver(settings, (id) => { calls.push(id); });
  });
  afterEach(() => r.close());
  const post = (body: string, headers: Record<string, string> = { authorization: basic }) =>
    fetch(r.url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const wait = (ms: number) => new Promise((res) => setTimeout(res, ms));

  it('accepts updated/created, dedups, debounces per item', async () => {
    assert.equal((await post(ev('a', 5))).status, 202);
    assert.equal((await post(ev('a', 5))).status, 202);
    assert.equal((await post(ev('b', 5))).status, 202);
    assert.equal((await post(ev('c', 7, 'workitem.created'))).status, 202);
    await wait(600);
    assert.deepEqual(calls.sort(), [5, 7]);
    assert.equal(r.state().duplicates, 1);
    assert.equal(r.state().accepted, 3);
  });
  it('rejects bad credentials, bad bodies, ignores unknown events; nothing queued', async () => {
    assert.equal((await post(ev('a', 5), {})).status, 401);
    assert.equal((await post(ev('a', 5), { authorization: 'Basic eDp5' })).status, 401);
    assert.equal((await post('{oops')).status, 400);
    assert.equal((await post('x'.repeat(2 * 1024 * 1024))).status, 413);
    assert.equal((await post(JSON.stringify({ eventType: 'build.complete', id: 'z' }))).status, 202);
    await wait(500);
    assert.deepEqual(calls, []);
    assert.equal(r.state().rejected, 4);
    assert.deepEqual(r.state().rejections, { unauthorized: 2, malformed: 1, tooLarge: 1, unsupportedMediaType: 0 });
    assert.equal(r.state().ignored, 1);
    assert.equal(r.state().accepted, 0);
  });
  it('logs the 1st and 10th unauthorized request, without the credentials offered', async () => {
    const lines: string[] = [];
    const r2 = await startWebhookReceiver(settings, () => undefined, (m) => lines.push(m));
    try {
      const offered = 'Basic ' + Buffer.from('hook:not-the-password').toString('base64');
      for (let i = 0; i < 12; i++) {
        await fetch(r2.url, { method: 'POST', body: ev(`u${i}`, 5), headers: { 'content-type': 'application/json', authorization: offered } });
      }
      assert.equal(r2.state().rejections.unauthorized, 12);
      assert.deepEqual(lines.map((l) => /\((\d+) so far\)/.exec(l)?.[1]), ['1', '10']);
      assert.ok(lines.every((l) => !l.includes('not-the-password') && !l.includes(offered)));
    } finally {
      await r2.close();
    }
  });
  it('answers 202 at once, whatever the handler does (it never finishes here)', async () => {
    let called = 0;
    const r2 = await startWebhookReceiver({ ...settings, debounceMs: 0 }, () => { called++; return new Promise<void>(() => undefined); });
    try {
      const started = Date.now();
      const res = await fetch(r2.url, { method: 'POST', body: ev('slow', 8), headers: { 'content-type': 'application/json', authorization: basic } });
      assert.equal(res.status, 202);
      assert.deepEqual(await res.json(), { queued: 8 });
      assert.ok(Date.now() - started < 1000);
      await wait(50);
      assert.equal(called, 1);
    } finally {
      await r2.close();
    }
  });
  it('refuses non-JSON with 415, answers 404/405 off the path or method', async () => {
    assert.equal((await fetch(r.url, { method: 'POST', body: ev('t', 5), headers: { 'content-type': 'text/plain', authorization: basic } })).status, 415);
    assert.equal((await fetch(r.url.replace('/workitem', '/other'), { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status, 404);
    assert.equal((await fetch(r.url, { headers: { authorization: basic } })).status, 405);
    await wait(300);
    assert.deepEqual(calls, []);
  });
  it('notification ids count per subscription: the same number from two subscriptions is two deliveries', async () => {
    const delivery = (sub: string) => JSON.stringify({ subscriptionId: sub, notificationId: 1, eventType: 'workitem.created', resource: { id: 21 } });
    const update = JSON.stringify({ subscriptionId: 's2', notificationId: 1, eventType: 'workitem.updated', resource: { id: 3, workItemId: 0, revision: { id: 22 } } });
    assert.equal((await post(delivery('s1'))).status, 202);
    assert.equal((await post(update)).status, 202);
    assert.equal((await post(update)).status, 202);
    await wait(500);
    assert.deepEqual(calls.sort(), [21, 22], 'workItemId 0 (old samples) falls back to the revision id, not the update number');
    assert.equal(r.state().duplicates, 1);
  });
  it('a steady stream for one item still reaches the handler within maxWaitMs', async () => {
    const seen: number[] = [];
    const r2 = await startWebhookReceiver({ ...settings, debounceMs: 200, maxWaitMs: 300 }, () => { seen.push(Date.now()); });
    try {
      const started = Date.now();
      for (let i = 0; Date.now() - started < 800; i++) {
        await fetch(r2.url, { method: 'POST', body: ev(`s${i}`, 40), headers: { 'content-type': 'application/json', authorization: basic } });
        await wait(40);
      }
      assert.ok(seen.length >= 2, `called ${seen.length} times during an 800 ms stream`);
    } finally {
      await r2.close();
    }
  });
  it('accepts an HMAC-SHA256 hex signature of the raw body', async () => {
    const body = ev('h', 11);
    const sig = createHmac('sha256', 's3').update(body).digest('hex');
    assert.equal((await post(body, { 'x-webhook-signature': sig })).status, 202);
    assert.equal((await post(body.replace('h', 'i'), { 'x-webhook-signature': sig })).status, 401);
    await wait(500);
    assert.deepEqual(calls, [11]);
  });
  it('500 deliveries for 10 items give at most a handful of calls per item, every item reached', async () => {
    await Promise.all(Array.from({ length: 500 }, (_, i) => post(ev(`f${i}`, 100 + (i % 10)))));
    await wait(700);
    for (let id = 100; id < 110; id++) {
      const n = calls.filter((c) => c === id).length;
      assert.ok(n >= 1 && n <= 3, `item ${id} got ${n} calls`);
    }
  });
});
