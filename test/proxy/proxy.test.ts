// The bundled CLI behind a real forward proxy with basic auth (forwardProxy.ts), in front of the
// emulator over http:// and, through CONNECT, over https:// (the emulator's TLS mode, trusted
// through NODE_EXTRA_CA_CERTS). Real processes: node reads the proxy and CA variables at start.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startEmulator, type RunningEmulator } from '../emulator';
import { CliFixture, PAT, spawnBundledCli } from '../cli/support';
import { type ForwardProxy, startForwardProxy } from './forwardProxy';

const USER = 'builder';
const PASSWORD = 'p@ss:word';

describe('ado-sync behind a forward proxy with basic auth', function () {
  this.timeout(60_000);
  const f = new CliFixture();
  let tls: RunningEmulator;
  let proxy: ForwardProxy;

  before(async () => {
    await f.start();
    tls = await startEmulator({ pats: [PAT], tls: true });
    proxy = await startForwardProxy(USER, PASSWORD);
    await writeFile(path.join(f.dir, 'evidence.txt'), 'through the proxy\n');
  });
  after(async () => {
    await proxy?.close();
    await tls?.close();
    await f.stop();
  });
  beforeEach(() => {
    proxy.seen.requests.length = 0;
    proxy.seen.connects.length = 0;
    proxy.seen.connections = 0;
  });

  const httpsEnv = () => ({ AZDO_ORG_URL: tls.baseUrl, AZDO_PROJECT: tls.project, AZDO_PAT: PAT, AZDO_API_VERSION: '7.1', NODE_EXTRA_CA_CERTS: tls.caCertFile ?? '' });

  it('http:// collection: every request goes through the proxy, absolute and with its credentials, on kept-alive connections', async () => {
    const attach = await spawnBundledCli(f.dir, ['attach', 'evidence.txt', '--work-item', '4'], { ...f.env, HTTP_PROXY: proxy.urlWithCredentials });
    assert.equal(attach.status, 0, attach.stderr + attach.stdout);
    const list = await spawnBundledCli(f.dir, ['list', '4', '--json'], { ...f.env, HTTP_PROXY: proxy.urlWithCredentials });
    assert.equal(list.status, 0, list.stderr);
    assert.ok(list.stdout.includes('evidence.txt'));
    const { requests, connections } = proxy.seen;
    const origin = new URL(f.ado.baseUrl).origin;
    assert.ok(requests.length >= 4, `requests through the proxy: ${requests.length}`);
    assert.deepEqual(requests.filter((r) => !r.authorized || !r.url.startsWith(`${origin}/`)), [], 'each request absolute and authorized');
    assert.ok(connections < requests.length, `connections to the proxy are reused (${connections} for ${requests.length} requests)`);
  });

  it('https:// collection: through a CONNECT tunnel with the credentials', async () => {
    const run = await spawnBundledCli(f.dir, ['list', '4', '--json'], { ...httpsEnv(), HTTPS_PROXY: proxy.urlWithCredentials });
    assert.equal(run.status, 0, run.stderr);
    assert.equal((JSON.parse(run.stdout) as { workItemId: number }).workItemId, 4);
    const { connects, requests } = proxy.seen;
    assert.ok(connects.length >= 1);
    assert.deepEqual(connects.filter((c) => !c.authorized || c.target !== `127.0.0.1:${tls.port}`), []);
    assert.equal(requests.length, 0, 'no plain request for an https:// target');
  });

  for (const target of ['http', 'https'] as const) {
    it(`${target}:// collection, wrong proxy password: a proxy error naming the proxy, exit 2, never an Azure DevOps one`, async () => {
      const wrong = proxy.urlWithCredentials.replace(encodeURIComponent(PASSWORD), 'nope');
      const env = target === 'http' ? { ...f.env, HTTP_PROXY: wrong } : { ...httpsEnv(), HTTPS_PROXY: wrong };
      const run = await spawnBundledCli(f.dir, ['list', '4'], env);
      assert.equal(run.status, 2);
      assert.equal(run.stderr, `error: The proxy ${proxy.url} refused the request (407 Proxy Authentication Required). Put its user and password in HTTPS_PROXY or HTTP_PROXY (http://user:password@host:port), or list 127.0.0.1 in NO_PROXY.\n`);
      assert.doesNotMatch(run.stderr, /nope|Azure DevOps rejected|AZDO_PAT/);
    });
  }

  it('a proxy that is not running: exit 2, naming the server and the proxy', async () => {
    const down = await startForwardProxy(USER, PASSWORD);
    await down.close();
    const run = await spawnBundledCli(f.dir, ['list', '4'], { ...f.env, HTTP_PROXY: down.urlWithCredentials });
    assert.equal(run.status, 2);
    assert.equal(run.stderr, `error: Cannot reach Azure DevOps at ${f.ado.baseUrl} through the proxy ${down.url}: connection refused (by the proxy, or by the server behind it). Check the proxy in HTTPS_PROXY or HTTP_PROXY (NO_PROXY bypasses it), and --org-url or AZDO_ORG_URL.\n`);
  });

  it('NO_PROXY: the request goes straight to the server', async () => {
    const run = await spawnBundledCli(f.dir, ['list', '4', '--json'], { ...f.env, HTTP_PROXY: proxy.urlWithCredentials, NO_PROXY: '127.0.0.1' });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(proxy.seen.requests.length + proxy.seen.connections, 0);
  });
});
