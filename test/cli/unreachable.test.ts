// A server the CLI cannot use is a configuration error: exit 2 and one message naming the URL
// and what to set, before any run is recorded; on a terminal, "retrying (n/m)…" from the first
// failed try. Real sockets throughout: a closed port, an unresolvable name, a collection path
// the emulator does not serve, TLS against plain HTTP, an HTTPS emulator with an untrusted
// certificate (the bundled CLI in a process, since node reads NODE_EXTRA_CA_CERTS at start).
import assert from 'node:assert/strict';
import net from 'node:net';
import { startEmulator, type RunningEmulator } from '../emulator';
import { CliFixture, PAT, spawnBundledCli } from './support';

/** A loopback port nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function oneLine(err: string): string {
  const lines = err.trim().split('\n');
  assert.equal(lines.length, 1, `one message expected, got:\n${err}`);
  return lines[0];
}

describe('ado-sync against a server it cannot use', function () {
  // Connection failures are retried with backoff (five retries, a few seconds in all).
  this.timeout(60_000);
  const f = new CliFixture();
  before(() => f.start());
  after(() => f.stop());
  const runsRecorded = async () => (JSON.parse((await f.run(['history', '--json'])).out) as { pagination: { total: number } }).pagination.total;

  it('connection refused: exit 2, one message with the URL and AZDO_ORG_URL, no run recorded', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/DefaultCollection`;
    const run = await f.run(['sync', '--work-item', '4'], { env: { AZDO_ORG_URL: url } });
    assert.equal(run.code, 2);
    assert.equal(oneLine(run.err), `error: Cannot reach Azure DevOps at ${url}: connection refused. Check --org-url or AZDO_ORG_URL.`);
    assert.equal(run.out, '');
    assert.equal(await runsRecorded(), 0, 'nothing is recorded for a run that could not start');
  });

  it('on a terminal, says "retrying (n/m)…" from the first failure; on a pipe, stays quiet until the one message', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/DefaultCollection`;
    const tty = await f.run(['list', '4'], { env: { AZDO_ORG_URL: url }, tty: true });
    assert.equal(tty.code, 2);
    assert.match(tty.err, /^\rcannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\); retrying \(1\/5\)…/);
    assert.match(tty.err, /retrying \(5\/5\)…\x1b\[K\nerror: Cannot reach Azure DevOps at /);
    const piped = await f.run(['list', '4'], { env: { AZDO_ORG_URL: url } });
    assert.doesNotMatch(piped.err, /retrying/);
  });

  it('a host name that does not resolve', async () => {
    const url = 'http://ado-sync-test.invalid/DefaultCollection';
    const run = await f.run(['list', '4'], { env: { AZDO_ORG_URL: url } });
    assert.equal(run.code, 2);
    assert.match(oneLine(run.err), /^error: Cannot reach Azure DevOps at http:\/\/ado-sync-test\.invalid\/DefaultCollection: host name not found \((ENOTFOUND|EAI_AGAIN)\)\. Check --org-url or AZDO_ORG_URL\.$/);
  });

  it('a collection path the server does not have (404)', async () => {
    const url = f.ado.baseUrl.replace(/DefaultCollection$/, 'NoSuchCollection');
    const run = await f.run(['sync', '--work-item', '4'], { env: { AZDO_ORG_URL: url } });
    assert.equal(run.code, 2);
    assert.equal(oneLine(run.err), `error: No Azure DevOps organization or collection answers at ${url} (404). Check --org-url or AZDO_ORG_URL. A Server collection URL looks like https://server/tfs/DefaultCollection.`);
  });

  it('a project that does not exist: named, with the projects the token can see', async () => {
    const run = await f.run(['sync', '--work-item', '4'], { env: { AZDO_PROJECT: 'Nope' } });
    assert.equal(run.code, 2);
    assert.equal(oneLine(run.err), `error: There is no project "Nope" at ${f.ado.baseUrl} (projects you can see: ${f.ado.project}). Check --project or AZDO_PROJECT.`);
    assert.equal(await runsRecorded(), 0);
  });

  it('https:// to a server that speaks plain HTTP', async () => {
    const url = f.ado.baseUrl.replace(/^http:/, 'https:');
    const run = await f.run(['list', '4'], { env: { AZDO_ORG_URL: url } });
    assert.equal(run.code, 2);
    assert.match(oneLine(run.err), new RegExp(`^error: Cannot reach Azure DevOps at ${url.replace(/[.?/]/g, '\\$&')}: the TLS handshake failed \\(\\w+\\), perhaps the scheme is wrong \\(http:// or https://\\)\\. Check --org-url or AZDO_ORG_URL\\.$`));
  });

  it('a bad PAT is said once, on one line, and sync records no failed run', async () => {
    const run = await f.run(['sync', '--work-item', '4'], { env: { AZDO_PAT: 'wrong' } });
    assert.equal(run.code, 2);
    assert.match(oneLine(run.err), /^error: Azure DevOps at \S+ rejected the personal access token in AZDO_PAT \(401\): it may be wrong, expired or revoked/);
    assert.doesNotMatch(run.out + run.err, /nothing to do/);
    assert.equal(await runsRecorded(), 0);
  });

  describe('an HTTPS server with a self-signed certificate', () => {
    let tls: RunningEmulator;
    before(async () => {
      tls = await startEmulator({ pats: [PAT], tls: true });
    });
    after(() => tls?.close());
    const env = () => ({ AZDO_ORG_URL: tls.baseUrl, AZDO_PROJECT: tls.project, AZDO_PAT: PAT, AZDO_API_VERSION: '7.1' });

    it('untrusted: exit 2 at once (no retries), naming the URL and NODE_EXTRA_CA_CERTS', async () => {
      const started = Date.now();
      const run = await spawnBundledCli(f.dir, ['list', '4'], env());
      assert.equal(run.status, 2);
      assert.match(oneLine(run.stderr), new RegExp(`^error: Cannot reach Azure DevOps at ${tls.baseUrl.replace(/[.?/]/g, '\\$&')}: its TLS certificate is not trusted \\(DEPTH_ZERO_SELF_SIGNED_CERT\\); .*NODE_EXTRA_CA_CERTS.* Check --org-url or AZDO_ORG_URL\\.$`));
      assert.ok(Date.now() - started < 5_000, 'a certificate error is not retried');
    });

    it('trusted through NODE_EXTRA_CA_CERTS: the command works', async () => {
      assert.ok(tls.caCertFile);
      const run = await spawnBundledCli(f.dir, ['list', '4', '--json'], { ...env(), NODE_EXTRA_CA_CERTS: tls.caCertFile });
      assert.equal(run.status, 0, run.stderr);
      assert.equal((JSON.parse(run.stdout) as { workItemId: number }).workItemId, 4);
    });

    it('http:// to the HTTPS port', async () => {
      const url = tls.baseUrl.replace(/^https:/, 'http:');
      const run = await f.run(['list', '4'], { env: { AZDO_ORG_URL: url } });
      assert.equal(run.code, 2);
      assert.match(oneLine(run.err), /^error: Cannot reach Azure DevOps at http:\/\/127\.0\.0\.1:\d+\/DefaultCollection: .*perhaps the scheme is wrong \(http:\/\/ or https:\/\/\)\. Check --org-url or AZDO_ORG_URL\.$/);
    });
  });
});
