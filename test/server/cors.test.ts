// Cross-origin access: off by default (no Access-Control headers, preflights refused with what to
// change); with `serve --cors-origin` only the named origins get preflights answered and answers
// they may read.
import assert from 'node:assert/strict';
import { cli, createToken, serveFixture, startApi, trackItems, type RunningApi, type ServeFixture } from './support';

const TOOL = 'https://tools.example.test';
const DEV = 'http://localhost:5173';
const OTHER = 'https://evil.example.test';

function preflight(api: RunningApi, path: string, origin: string, method = 'POST'): Promise<Response> {
  return fetch(`${api.base}${path}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization, content-type' } });
}

describe('team server CORS (serve --cors-origin)', function () {
  this.timeout(60_000);
  let f: ServeFixture;
  let api: RunningApi | undefined;
  let token: string;

  before(async () => {
    f = await serveFixture();
    await trackItems(f, [5]);
    token = await createToken(f, 'browser-tool');
  });
  afterEach(async () => {
    await api?.stop();
    api = undefined;
  });
  after(async () => {
    await f?.close();
  });

  it('is off by default: no Access-Control headers, a preflight is refused with 403 saying how to allow it', async () => {
    api = await startApi(f, {}, token);
    const pre = await preflight(api, '/api/sync/upload', TOOL);
    assert.equal(pre.status, 403);
    assert.equal(pre.headers.get('access-control-allow-origin'), null);
    assert.match(((await pre.json()) as { error: { message: string } }).error.message, /--cors-origin https:\/\/tools\.example\.test/);
    const r = await api.call('GET', '/api/sync/status/5', { headers: { origin: TOOL } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('access-control-allow-origin'), null);
    assert.equal(r.headers.get('vary'), null);
  });

  it('answers preflights and adds the headers only for the origins given', async () => {
    api = await startApi(f, {}, token, ['--cors-origin', TOOL, '--cors-origin', `${DEV}/`]);
    for (const origin of [TOOL, DEV]) {
      const pre = await preflight(api, '/api/sync/upload', origin);
      assert.equal(pre.status, 204, origin);
      assert.equal(pre.headers.get('access-control-allow-origin'), origin);
      assert.equal(pre.headers.get('access-control-allow-methods'), 'POST');
      assert.match(pre.headers.get('access-control-allow-headers') ?? '', /authorization/);
      assert.equal(pre.headers.get('access-control-allow-credentials'), null, 'bearer tokens, never cookies');
    }
    // One template with two methods: both offered.
    const both = await preflight(api, '/api/sync/attachments/5', TOOL, 'DELETE');
    assert.equal(both.headers.get('access-control-allow-methods'), 'GET, DELETE');

    const ok = await api.call('GET', '/api/sync/status/5', { headers: { origin: TOOL } });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('access-control-allow-origin'), TOOL);
    assert.equal(ok.headers.get('vary'), 'origin');
    assert.match(ok.headers.get('access-control-expose-headers') ?? '', /retry-after/);
    // A refusal is readable by the tool too, so it can show why.
    const refused = await api.call('GET', '/api/sync/status/5', { token: null, headers: { origin: DEV } });
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('access-control-allow-origin'), DEV);

    const other = await preflight(api, '/api/sync/upload', OTHER);
    assert.equal(other.status, 403);
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    assert.match(((await other.json()) as { error: { message: string } }).error.message, /may not call this API/);
    const otherGet = await api.call('GET', '/api/sync/status/5', { headers: { origin: OTHER } });
    assert.equal(otherGet.headers.get('access-control-allow-origin'), null);
    assert.equal(otherGet.headers.get('vary'), 'origin');
  });

  it('refuses an origin that is not one (a path, a wildcard) with exit 2 before listening', async () => {
    for (const bad of ['https://tools.example.test/app', '*', 'tools.example.test']) {
      const r = await cli(f, ['serve', '--port', '0', '--cors-origin', bad]);
      assert.equal(r.code, 2, `${bad}: ${r.stderr}`);
      assert.match(r.stderr, /--cors-origin: .* not an origin/);
    }
  });
});
