// The receiver against clients that misbehave, over raw TCP on loopback: too many connections,
// a connection that sends nothing or its headers byte by byte, absurd work item ids, and
// requests whose credentials are wrong: those are answered from the headers, the body never read.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import net from 'node:net';
import { startWebhookReceiver, type WebhookReceiver } from '../../src/core/webhook';
import { WEBHOOK_DEFAULTS, type WebhookSettings } from '../../src/core/webhook/settings';

const PATH = WEBHOOK_DEFAULTS.path;
const basic = 'Basic ' + Buffer.from('hook:pw').toString('base64');
const limits = { maxConnections: 3, headersTimeoutMs: 800, requestTimeoutMs: 3_000, idleTimeoutMs: 800 };
const settings: WebhookSettings = { ...WEBHOOK_DEFAULTS, port: 0, authModes: ['basic'], username: 'hook', password: 'pw', debounceMs: 0, ...limits };

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface RawConnection {
  socket: net.Socket;
  /** Everything the server sent so far. */
  received(): string;
  /** Resolves with the ms from connect to close. */
  closed: Promise<number>;
}

async function connect(port: number): Promise<RawConnection> {
  const socket = net.connect(port, '127.0.0.1');
  const started = Date.now();
  let data = '';
  socket.on('data', (chunk: Buffer) => { data += chunk.toString('latin1'); });
  socket.on('error', () => undefined);
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - started)));
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
  return { socket, received: () => data, closed };
}

function head(headers: Record<string, string>, contentLength: number): string {
  const lines = Object.entries({ host: '127.0.0.1', 'content-type': 'application/json', 'content-length': String(contentLength), ...headers }).map(([k, v]) => `${k}: ${v}`);
  return `POST ${PATH} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

async function status(connection: RawConnection, timeoutMs: number): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = /^HTTP\/1\.1 (\d{3})/.exec(connection.received());
    if (match) return Number(match[1]);
    await wait(20);
  }
  return undefined;
}

const event = (resource: object, eventType = 'workitem.updated', id = `e${Math.random()}`) => JSON.stringify({ id, eventType, resource });

describe('webhook receiver hardening', () => {
  let r: WebhookReceiver;
  let calls: number[];
  const open: RawConnection[] = [];
  const start = async (overrides: Partial<WebhookSettings> = {}) => {
    calls = [];
    r = await startWebhookReceiver({ ...settings, ...overrides }, (id) => { calls.push(id); });
  };
  const post = (body: string, headers: Record<string, string> = { authorization: basic }) =>
    fetch(r.url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const raw = async () => {
    const connection = await connect(r.port);
    open.push(connection);
    return connection;
  };
  afterEach(async () => {
    for (const connection of open.splice(0)) connection.socket.destroy();
    await r?.close();
  });

  it('closes a connection that sends nothing within seconds', async () => {
    await start();
    const silent = await raw();
    const ms = await silent.closed;
    assert.ok(ms >= limits.idleTimeoutMs - 100 && ms < 3_000, `closed after ${ms} ms`);
    // Whichever deadline comes first (idle: closed; headers: a 408 first), nothing else is said.
    assert.match(silent.received(), /^(HTTP\/1\.1 408 Request Timeout\r\n[\s\S]*)?$/);
  });

  it('closes a connection whose headers trickle in, although it is never idle', async () => {
    await start();
    const slow = await raw();
    const text = head({ authorization: basic }, 2);
    let sent = 0;
    const trickle = setInterval(() => { if (!slow.socket.destroyed && sent < text.length) slow.socket.write(text[sent++]); }, 150);
    try {
      const ms = await slow.closed;
      assert.ok(ms < 4_000, `closed after ${ms} ms`);
      assert.ok(sent < text.length, 'closed before the headers were complete');
    } finally {
      clearInterval(trickle);
    }
  });

  it('caps open connections: the one over the cap is closed at once, a request goes through once they are gone', async () => {
    await start({ idleTimeoutMs: 60_000, headersTimeoutMs: 60_000, requestTimeoutMs: 60_000 });
    const held = [await raw(), await raw(), await raw()];
    await wait(100);
    const over = await raw();
    const ms = await over.closed;
    assert.ok(ms < 1_000, `the connection over the cap lived ${ms} ms`);
    const body = event({ id: 3, workItemId: 5 });
    const refused = await raw();
    refused.socket.write(head({ authorization: basic }, Buffer.byteLength(body)) + body);
    await refused.closed;
    assert.equal(refused.received(), '', 'a request over the cap gets no answer');
    for (const connection of held) connection.socket.destroy();
    await Promise.all(held.map((c) => c.closed));
    await wait(100);
    assert.equal((await post(body)).status, 202);
    await wait(50);
    assert.deepEqual(calls, [5]);
  });

  it('refuses work item ids that are not 32-bit positive integers with 400, queuing nothing', async () => {
    await start();
    const bodies = [
      event({ id: 1e20 }, 'workitem.created'),
      event({ id: 3, workItemId: 1e20 }),
      event({ id: 3, workItemId: 2_147_483_648 }),
      event({ id: 3, workItemId: 7.5 }),
      event({ id: 3, workItemId: -4 }),
      event({ id: 3, url: 'https://dev.azure.com/o/_apis/wit/workItems/100000000000000000000000/updates/3' }),
    ];
    for (const body of bodies) assert.equal((await post(body)).status, 400, body);
    assert.equal((await post(event({ id: 3, workItemId: 2_147_483_647 }))).status, 202);
    await wait(50);
    assert.deepEqual(calls, [2_147_483_647]);
    assert.equal(r.state().rejections.malformed, bodies.length);
  });

  it('basic/secret: wrong or missing credentials are answered 401 from the headers, without waiting for the body', async () => {
    await start({ authModes: ['basic', 'secret'], secret: 'a-shared-secret-16' });
    for (const headers of [{}, { authorization: 'Basic eDp5' }, { 'x-webhook-signature': 'not-the-secret' }] as Record<string, string>[]) {
      const connection = await raw();
      connection.socket.write(head(headers, 10_000));
      assert.equal(await status(connection, 1_000), 401, JSON.stringify(headers));
      await connection.closed;
    }
    assert.equal(r.state().rejections.unauthorized, 3);
  });

  it('hmac: without a well-formed signature header the body is never read; with one it is read, then checked', async () => {
    await start({ authModes: ['hmac'], secret: 'an-hmac-key-of-16+' });
    for (const headers of [{}, { 'x-webhook-signature': 'sha256=zz' }, { authorization: basic }] as Record<string, string>[]) {
      const connection = await raw();
      connection.socket.write(head(headers, 10_000));
      assert.equal(await status(connection, 1_000), 401, JSON.stringify(headers));
    }
    const body = event({ id: 3, workItemId: 77 });
    const good = createHmac('sha256', 'an-hmac-key-of-16+').update(body).digest('hex');
    const signed = await raw();
    signed.socket.write(head({ 'x-webhook-signature': `sha256=${good}` }, Buffer.byteLength(body)));
    assert.equal(await status(signed, 300), undefined, 'a signed request waits for its body');
    signed.socket.write(body);
    assert.equal(await status(signed, 1_000), 202);
    const forged = await raw();
    forged.socket.write(head({ 'x-webhook-signature': 'a'.repeat(64) }, Buffer.byteLength(body)) + body);
    assert.equal(await status(forged, 1_000), 401);
    await wait(50);
    assert.deepEqual(calls, [77]);
  });
});
