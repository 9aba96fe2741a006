// Service-hook subscriptions and delivery with basic auth, custom headers and retry.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEmulator, type RunningEmulator } from '../emulator/index';
import { call, V } from './client';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

describe('emulator service hooks', () => {
  let emulator: RunningEmulator;
  let receiver: http.Server;
  let receiverUrl: string;
  const received: Received[] = [];
  let failuresLeft = 0;
  let waiters: (() => void)[] = [];

  before(async () => {
    emulator = await startEmulator({ hookRetryDelaysMs: [50, 100, 150] });
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          res.writeHead(500).end();
        } else res.writeHead(200).end();
        received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
        waiters.forEach((w) => w());
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });
  after(async () => {
    await emulator.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  async function until(count: number): Promise<void> {
    const deadline = Date.now() + 5000;
    while (received.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${received.length} deliveries`);
      await new Promise<void>((resolve) => {
        waiters = [resolve];
        setTimeout(resolve, 100);
      });
    }
  }

  function subscription(eventType: string) {
    return {
      publisherId: 'tfs', eventType, resourceVersion: '1.0', consumerId: 'webHooks', consumerActionId: 'httpRequest',
      publisherInputs: { projectId: emulator.state.projectId },
      consumerInputs: { url: receiverUrl, httpHeaders: 'X-Sync-Token:abc123\nX-Env:dev', basicAuthUsername: 'hookuser', basicAuthPassword: 's3cret' },
    };
  }

  it('creates, lists, gets and deletes subscriptions; bad input is 400', async () => {
    const created = await call(emulator, 'POST', `/_apis/hooks/subscriptions?${V}`, subscription('workitem.created'));
    assert.equal(created.status, 200);
    const id = String(created.json().id);
    assert.equal(created.json().status, 'enabled');
    assert.equal((created.json().consumerInputs as Record<string, string>).basicAuthPassword, '********');
    const list = await call(emulator, 'GET', `/_apis/hooks/subscriptions?eventType=workitem.created&${V}`);
    assert.equal(list.json().count, 1);
    assert.equal((await call(emulator, 'GET', `/_apis/hooks/subscriptions/${id}?${V}`)).json().id, id);
    const paused = await call(emulator, 'PUT', `/_apis/hooks/subscriptions/${id}?${V}`, { ...subscription('workitem.created'), status: 'disabledByUser' });
    assert.equal(paused.json().status, 'disabledByUser');
    assert.equal((await call(emulator, 'DELETE', `/_apis/hooks/subscriptions/${id}?${V}`)).status, 204);
    assert.equal((await call(emulator, 'GET', `/_apis/hooks/subscriptions/${id}?${V}`)).status, 404);
    const bad = await call(emulator, 'POST', `/_apis/hooks/subscriptions?${V}`, { ...subscription('workitem.updated'), consumerInputs: { url: 'not a url' } });
    assert.equal(bad.status, 400);
  });

  it('delivers workitem.updated with basic auth and headers, retrying after failures', async () => {
    const created = await call(emulator, 'POST', `/_apis/hooks/subscriptions?${V}`, subscription('workitem.updated'));
    received.length = 0;
    failuresLeft = 2;
    const up = await call(emulator, 'POST', `/_apis/wit/attachments?fileName=hook.txt&${V}`, 'hooked');
    const patched = await call(emulator, 'PATCH', `/Demo/_apis/wit/workitems/5?${V}`, [{ op: 'add', path: '/relations/-', value: { rel: 'AttachedFile', url: String(up.json().url) } }]);
    assert.equal(patched.status, 200, 'the request is not blocked by delivery');
    await until(3);
    assert.equal(received.length, 3, 'two failures, then the successful retry');
    const last = received[2];
    assert.equal(last.headers.authorization, `Basic ${Buffer.from('hookuser:s3cret').toString('base64')}`);
    assert.equal(last.headers['x-sync-token'], 'abc123');
    assert.equal(last.headers['x-env'], 'dev');
    const body = last.body;
    assert.equal(body.eventType, 'workitem.updated');
    assert.equal(body.subscriptionId, created.json().id);
    const resource = body.resource as { workItemId: number; rev: number; relations: { added: { rel: string; attributes: { name: string } }[] }; revision: { id: number } };
    assert.equal(resource.workItemId, 5);
    assert.equal(resource.rev, patched.json().rev);
    assert.equal(resource.relations.added[0].rel, 'AttachedFile');
    assert.equal(resource.relations.added[0].attributes.name, 'hook.txt');
    assert.equal(resource.revision.id, 5);
    const relations = (await call(emulator, 'GET', `/Demo/_apis/wit/workitems/5?$expand=relations&${V}`)).json().relations as unknown[];
    const removed = await call(emulator, 'PATCH', `/Demo/_apis/wit/workitems/5?${V}`, [{ op: 'remove', path: `/relations/${relations.length - 1}` }]);
    assert.equal(removed.status, 200);
    await until(4);
    assert.equal(((received[3].body.resource as { relations: { removed: unknown[] } }).relations.removed).length, 1);
  });

  it('gives up after the bounded retries and marks the subscription on probation', async () => {
    received.length = 0;
    failuresLeft = 10;
    await call(emulator, 'PATCH', `/Demo/_apis/wit/workitems/6?${V}`, [{ op: 'add', path: '/fields/System.Title', value: 'retitled' }]);
    await until(4);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(received.length, 4, 'one attempt and three retries');
    const subs = await call(emulator, 'GET', `/_apis/hooks/subscriptions?${V}`);
    assert.equal((subs.json().value as { status: string }[])[0].status, 'onProbation');
  });
});
