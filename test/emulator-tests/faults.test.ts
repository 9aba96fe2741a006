// Each fault kind and the rate-limit headers as a client sees them.
import assert from 'node:assert/strict';
import http from 'node:http';
import { startEmulator, type RunningEmulator } from '../emulator/index';
import { FaultInjector, parseFaultSpec, type FaultRule } from '../emulator/faults';
import { adminUrl, basic, call, V } from './client';

interface RawReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  error?: string;
}

/** node:http so that short bodies and resets are observable instead of hidden by fetch. */
function raw(emulator: RunningEmulator, method: string, path: string, body?: Buffer): Promise<RawReply> {
  return new Promise((resolve) => {
    const request = http.request(`${emulator.baseUrl}${path}`, { method, agent: false, headers: { Authorization: basic(), 'X-TFS-FedAuthRedirect': 'Suppress', 'Content-Type': 'application/octet-stream' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      const done = (error?: string) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), error });
      res.on('end', () => done());
      res.on('error', (e) => done(e.message));
      res.on('aborted', () => done('aborted'));
    });
    request.on('error', (e) => resolve({ status: 0, headers: {}, body: Buffer.alloc(0), error: e.message }));
    if (body) {
      // Stream in pieces so that the server sees part of it before resetting.
      const half = Math.floor(body.length / 2);
      request.write(body.subarray(0, half));
      setTimeout(() => request.end(body.subarray(half)), 50);
    } else request.end();
  });
}

async function setFaults(emulator: RunningEmulator, rules: FaultRule[]): Promise<void> {
  const reply = await fetch(adminUrl(emulator, '/_emulator/faults'), { method: 'POST', body: JSON.stringify({ rules, seed: 7 }) });
  assert.equal(reply.status, 200);
}

describe('emulator faults and rate limiting', () => {
  let emulator: RunningEmulator;
  let attachmentId: string;
  const content = Buffer.alloc(256 * 1024, 7);
  before(async () => {
    emulator = await startEmulator();
    const up = await call(emulator, 'POST', `/_apis/wit/attachments?fileName=f.bin&${V}`, content.toString('latin1'));
    attachmentId = String(up.json().id);
  });
  afterEach(() => fetch(adminUrl(emulator, '/_emulator/faults'), { method: 'DELETE' }));
  after(() => emulator.close());

  it('parses the CLI spec and draws deterministically for a seed', () => {
    const rules = parseFaultSpec('429,503,reset-mid-body@0.5:/_apis/wit/attachments#PUT*3; delay@1');
    assert.deepEqual(rules[0], { kinds: ['429', '503', 'reset-mid-body'], rate: 0.5, route: '/_apis/wit/attachments', method: 'PUT', count: 3 });
    const draw = (seed: number) => {
      const injector = new FaultInjector([{ rate: 0.5, kinds: ['500', 'reset'] }], seed);
      return Array.from({ length: 20 }, () => injector.decide('GET', '/x')?.kind ?? '-').join(',');
    };
    assert.equal(draw(42), draw(42));
    assert.notEqual(draw(42), draw(43));
    assert.throws(() => parseFaultSpec('boom@0.5'), /unknown fault kind/);
  });

  for (const kind of ['429', '500', '503'] as const) {
    it(`${kind}: the status with the service's error JSON${kind === '500' ? '' : ' and Retry-After'}`, async () => {
      await setFaults(emulator, [{ route: 'workitems', rate: 1, kinds: [kind], count: 1, retryAfterSeconds: 3 }]);
      const faulted = await call(emulator, 'GET', `/_apis/wit/workitems/1?${V}`);
      assert.equal(faulted.status, Number(kind));
      assert.ok(faulted.json().typeKey);
      assert.equal(faulted.headers.get('retry-after'), kind === '500' ? null : '3');
      assert.equal((await call(emulator, 'GET', `/_apis/wit/workitems/1?${V}`)).status, 200, 'count: 1 stops after one injection');
    });
  }

  it('reset: the connection drops before any response', async () => {
    await setFaults(emulator, [{ rate: 1, kinds: ['reset'], count: 1 }]);
    const reply = await raw(emulator, 'GET', `/_apis/wit/workitems/1?${V}`);
    assert.equal(reply.status, 0);
    assert.match(reply.error ?? '', /socket hang up|ECONNRESET/);
  });

  it('reset-mid-body on an upload: dropped after part of the body, nothing stored', async () => {
    const before = emulator.state.attachments.size;
    await setFaults(emulator, [{ route: 'attachments', method: 'POST', rate: 1, kinds: ['reset-mid-body'] }]);
    const reply = await raw(emulator, 'POST', `/_apis/wit/attachments?fileName=x.bin&${V}`, Buffer.alloc(512 * 1024, 1));
    assert.equal(reply.status, 0);
    assert.equal(emulator.state.attachments.size, before);
  });

  it('reset-mid-body on a chunk: the chunk is not kept and can be re-sent', async () => {
    const start = await call(emulator, 'POST', `/_apis/wit/attachments?fileName=c.bin&uploadType=Chunked&${V}`, '');
    const id = String(start.json().id);
    await setFaults(emulator, [{ route: 'attachments', method: 'PUT', rate: 1, kinds: ['reset-mid-body'], count: 1 }]);
    const chunk = Buffer.alloc(64 * 1024, 2);
    const path = `/_apis/wit/attachments/${id}?${V}`;
    const send = () => new Promise<number>((resolve) => {
      const request = http.request(`${emulator.baseUrl}${path}`, { method: 'PUT', agent: false, headers: { Authorization: basic(), 'Content-Type': 'application/octet-stream', 'Content-Range': `bytes 0-${chunk.length - 1}/${chunk.length}` } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      request.on('error', () => resolve(0));
      request.write(chunk.subarray(0, 40_000));
      setTimeout(() => request.end(chunk.subarray(40_000)), 50);
    });
    assert.equal(await send(), 0);
    assert.equal(emulator.state.attachments.get(id)?.size, 0);
    assert.equal(await send(), 201);
    assert.equal(emulator.state.attachments.get(id)?.complete, true);
  });

  it('reset-mid-body on a download: part of the body, then the connection drops', async () => {
    await setFaults(emulator, [{ route: 'attachments', method: 'GET', rate: 1, kinds: ['reset-mid-body'] }]);
    const reply = await raw(emulator, 'GET', `/_apis/wit/attachments/${attachmentId}?${V}`);
    assert.equal(reply.status, 200);
    assert.ok(reply.body.length < content.length);
    assert.ok(reply.error, 'the client sees an aborted response');
  });

  it('truncate: Content-Length announced, fewer bytes sent, then end', async () => {
    await setFaults(emulator, [{ route: 'attachments', rate: 1, kinds: ['truncate'] }]);
    const reply = await raw(emulator, 'GET', `/_apis/wit/attachments/${attachmentId}?${V}`);
    assert.equal(Number(reply.headers['content-length']), content.length);
    assert.ok(reply.body.length < content.length);
  });

  it('delay: waits delayMs, then serves normally', async () => {
    await setFaults(emulator, [{ rate: 1, kinds: ['delay'], delayMs: 300 }]);
    const started = Date.now();
    assert.equal((await call(emulator, 'GET', `/_apis/wit/workitems/1?${V}`)).status, 200);
    assert.ok(Date.now() - started >= 290);
  });

  it('a faulted write changes nothing', async () => {
    const rev = emulator.state.workItems.get(2)?.rev;
    await setFaults(emulator, [{ rate: 1, kinds: ['500', '503', '429'], method: 'PATCH' }]);
    const reply = await call(emulator, 'PATCH', `/_apis/wit/workitems/2?${V}`, [{ op: 'add', path: '/fields/System.Title', value: 'never' }]);
    assert.ok(reply.status >= 429);
    assert.equal(emulator.state.workItems.get(2)?.rev, rev);
  });

  it('rate limit: delay headers past the fraction, then 429 TF400733 with Retry-After and X-RateLimit-*', async () => {
    const limited = await startEmulator({ seed: 'empty', rateLimit: { requestsPerMinute: 5, delayAfterFraction: 0.6 } });
    try {
      const replies = [];
      for (let i = 0; i < 6; i++) replies.push(await call(limited, 'GET', `/_apis/projects?${V}`));
      assert.equal(replies[0].headers.get('x-ratelimit-delay'), null);
      assert.equal(replies[3].status, 200);
      assert.ok(Number(replies[3].headers.get('x-ratelimit-delay')) > 0);
      assert.equal(replies[3].headers.get('x-ratelimit-limit'), '3');
      const blocked = replies[5];
      assert.equal(blocked.status, 429);
      assert.match(String(blocked.json().message), /^TF400733: The request has been canceled: Request was blocked due to exceeding usage of resource/);
      assert.ok(Number(blocked.headers.get('retry-after')) >= 1);
      assert.equal(blocked.headers.get('x-ratelimit-remaining'), '0');
      assert.ok(blocked.headers.get('x-ratelimit-resource'));
      assert.ok(Number(blocked.headers.get('x-ratelimit-reset')) > Date.now() / 1000);
    } finally {
      await limited.close();
    }
  });
});
