// The emulator's flags for behaviour the evidence leaves open, and strictness the live table
// (test/live/expected-behaviour.json, checked in test/live/live.test.ts) does not cover.
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../emulator/index';
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { adminUrl, basic, call, V } from './client';

describe('emulator fidelity flags', () => {
  const started: RunningEmulator[] = [];
  const start = async (options: Parameters<typeof startEmulator>[0]) => {
    const emulator = await startEmulator(options);
    started.push(emulator);
    return emulator;
  };
  after(() => Promise.all(started.map((e) => e.close())));

  it('api-version errors: the ceiling form, the route form without a number, and a translated text, all with the typeKey', async () => {
    for (const [fidelity, pattern] of [
      [{}, /latest REST API version this server supports is 5\.0\.$/],
      [{ versionError: 'route' as const }, /^The request matched route projects, but the requested REST API version 7\.1 was outside the valid version range for this route\.$/],
      [{ language: 'de' as const, versionError: 'route' as const }, /^Die Anforderung entsprach der Route/],
    ] as const) {
      const emulator = await start({ apiVersionMax: '5.0', seed: 'empty', fidelity });
      const reply = await call(emulator, 'GET', '/_apis/projects?api-version=7.1');
      assert.equal(reply.status, 400);
      assert.equal(reply.json().typeKey, 'VssVersionOutOfRangeException');
      assert.match(String(reply.json().message), pattern);
    }
  });

  it('Services mode refuses hook targets on loopback or private addresses and basic auth over http', async () => {
    const emulator = await start({ seed: 'empty', fidelity: { deployment: 'services' } });
    const subscribe = (url: string, auth = false) => call(emulator, 'POST', `/_apis/hooks/subscriptions?${V}`, {
      publisherId: 'tfs', eventType: 'workitem.updated', consumerId: 'webHooks', consumerActionId: 'httpRequest', publisherInputs: {},
      consumerInputs: { url, ...(auth ? { basicAuthUsername: 'u', basicAuthPassword: 'p' } : {}) },
    });
    for (const url of ['http://127.0.0.1:9/h', 'http://localhost/h', 'https://10.1.2.3/h', 'https://192.168.0.7/h', 'https://[::1]/h', 'https://172.20.0.1/h']) {
      assert.equal((await subscribe(url)).status, 400, url);
    }
    assert.match(String((await subscribe('http://hooks.example.com/h', true)).json().message), /HTTPS/);
    assert.equal((await subscribe('https://hooks.example.com/h', true)).status, 200);
    assert.equal((await subscribe('http://hooks.example.com/h')).status, 200);
  });

  it('race mode: a PATCH loses the save race with 409 WorkItemRevisionMismatchException and the other edit lands', async () => {
    const emulator = await start({});
    await fetch(adminUrl(emulator, '/_emulator/race'), { method: 'POST', body: JSON.stringify({ count: 1 }) });
    const lost = await call(emulator, 'PATCH', `/Demo/_apis/wit/workitems/5?${V}`, [{ op: 'test', path: '/rev', value: 1 }, { op: 'add', path: '/fields/System.Title', value: 'mine' }]);
    assert.equal(lost.status, 409);
    assert.equal(lost.json().typeKey, 'WorkItemRevisionMismatchException');
    assert.equal(emulator.state.workItems.get(5)?.rev, 2);
    const again = await call(emulator, 'PATCH', `/Demo/_apis/wit/workitems/5?${V}`, [{ op: 'test', path: '/rev', value: 2 }, { op: 'add', path: '/fields/System.Title', value: 'mine' }]);
    assert.equal(again.status, 200);
  });

  it('chunks: a chunk at offset 0 restarts the upload; the lose-answer fault stores the chunk and drops the answer', async () => {
    const emulator = await start({ seed: 'empty' });
    const id = String((await call(emulator, 'POST', `/_apis/wit/attachments?fileName=r.bin&uploadType=Chunked&${V}`, '')).json().id);
    const put = (body: string, range: string) => call(emulator, 'PUT', `/_apis/wit/attachments/${id}?${V}`, body, { 'Content-Range': range });
    assert.equal((await put('abcd', 'bytes 0-3/8')).status, 202);
    assert.equal((await put('wxyz', 'bytes 0-3/8')).status, 202);
    await fetch(adminUrl(emulator, '/_emulator/faults'), { method: 'POST', body: JSON.stringify({ rules: [{ rate: 1, kinds: ['lose-answer'], method: 'PUT', count: 1 }] }) });
    await assert.rejects(put('efgh', 'bytes 4-7/8'));
    assert.equal(emulator.state.attachments.get(id)?.complete, true);
    const down = await call(emulator, 'GET', `/_apis/wit/attachments/${id}?${V}`);
    assert.equal(down.text, 'wxyzefgh');
    const after = await put('efgh', 'bytes 4-7/8');
    assert.equal(after.status, 500);
  });

  it('relations: a comment over 255 characters, a duplicate inside one PATCH, test on a relation', async () => {
    const emulator = await start({});
    const url = String((await call(emulator, 'POST', `/_apis/wit/attachments?fileName=c.txt&${V}`, 'c')).json().url);
    const long = await call(emulator, 'PATCH', `/Demo/_apis/wit/workitems/5?${V}`, [{ op: 'add', path: '/relations/-', value: { rel: 'AttachedFile', url, attributes: { comment: 'é'.repeat(256) } } }]);
    assert.equal(long.status, 400);
    const twice = await call(emulator, 'PATCH', `/Demo/_apis/wit/workitems/5?${V}`, [1, 2].map(() => ({ op: 'add', path: '/relations/-', value: { rel: 'AttachedFile', url } })));
    assert.equal(twice.json().typeKey, 'RelationAlreadyExistsException');
    assert.equal(emulator.state.workItems.get(5)?.relations.length, 1, 'nothing of the refused PATCH applied');
  });

  it('an attachment stored compressed downloads with Content-Encoding: gzip even when the client does not accept it', async () => {
    const emulator = await start({});
    const content = 'compressible '.repeat(500);
    const added = (await (await fetch(adminUrl(emulator, '/_emulator/work-items/5/attachments?fileName=old.txt&storedCompressed=true'), { method: 'POST', body: content })).json()) as { id: string };
    const raw = await new Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
      const request = http.get(`${emulator.baseUrl}/_apis/wit/attachments/${added.id}?${V}`, { headers: { Authorization: basic(), 'X-TFS-FedAuthRedirect': 'Suppress' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      });
      request.on('error', reject);
    });
    assert.equal(raw.headers['content-encoding'], 'gzip');
    assert.equal(Number(raw.headers['content-length']), raw.body.length);
    assert.equal(gunzipSync(raw.body).toString(), content);
    const relation = emulator.state.workItems.get(5)?.relations.find((r) => r.url.endsWith(added.id));
    assert.equal(relation?.attributes.resourceSize, content.length);
  });

  it('an attachment the user may not read answers 403 WorkItemUnauthorizedAttachmentException', async () => {
    const emulator = await start({});
    const id = String((await call(emulator, 'POST', `/_apis/wit/attachments?fileName=s.txt&${V}`, 's')).json().id);
    await fetch(adminUrl(emulator, `/_emulator/attachments/${id}/deny`), { method: 'POST' });
    const reply = await call(emulator, 'GET', `/_apis/wit/attachments/${id}?${V}`);
    assert.equal(reply.status, 403);
    assert.equal(reply.json().typeKey, 'WorkItemUnauthorizedAttachmentException');
  });
});
