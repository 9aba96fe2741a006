// `ado-sync token create|revoke` while `ado-sync serve` holds the database (sql.js: one writer,
// with a lock file, kept in memory): carried out by the running server through its admin key, in
// effect at once and on disk; the admin routes take no API token; without a server, as before.
// `serve --poll-only` (no webhook receiver) serves the API too, without the receiver's credentials.
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { controlFilePath } from '../../src/server/serveControl';
import { readOrUndefined, withStore } from '../webhook/support';
import { cli, createToken, serveFixture, startApi, trackItems, type RunningApi, type ServeFixture } from './support';

describe('team server: tokens while serve runs', function () {
  this.timeout(60_000);
  let f: ServeFixture;
  let api: RunningApi | undefined;

  beforeEach(async () => {
    f = await serveFixture();
    await trackItems(f, [5]);
  });
  afterEach(async () => {
    await api?.stop();
    api = undefined;
    await f.close();
  });

  it('token create and revoke work while serve runs, take effect at once, and are on disk', async () => {
    api = await startApi(f);
    const control = await stat(controlFilePath(f.dbPath));
    assert.equal(control.mode & 0o077, 0, 'the admin key is readable by its user only');

    const created = await cli(f, ['token', 'create', '--name', 'late-bot', '--json']);
    assert.equal(created.code, 0, created.stderr);
    const { token, name } = JSON.parse(created.stdout) as { token: string; name: string };
    assert.equal(name, 'late-bot');
    assert.equal((await api.call('GET', '/api/sync/status/5', { token })).status, 200, 'the new token works without a restart');

    const listed = await cli(f, ['token', 'list', '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual((JSON.parse(listed.stdout) as { tokens: { name: string }[] }).tokens.map((t) => t.name), ['tests', 'late-bot'], 'saved at once');

    assert.equal((await cli(f, ['token', 'create', '--name', 'late-bot'])).code, 2, 'a live name cannot be taken twice');
    assert.equal((await cli(f, ['token', 'revoke', 'nobody'])).code, 1);
    const revoked = await cli(f, ['token', 'revoke', 'late-bot', '--json']);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal((await api.call('GET', '/api/sync/status/5', { token })).status, 401, 'revoked at once');

    const stopped = await api.stop();
    api = undefined;
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.equal(await readOrUndefined(controlFilePath(f.dbPath)), undefined, 'the control file goes with the server');
    await withStore(f, (store) => {
      const late = store.apiTokens.list().find((t) => t.name === 'late-bot');
      assert.ok(late?.revokedAt, 'the revocation survived the server');
    }, true);
    // Without a server the commands write the database themselves, as before.
    assert.equal((await cli(f, ['token', 'create', '--name', 'after'])).code, 0);
  });

  it('the token routes take the admin key only: an API token is refused', async () => {
    api = await startApi(f);
    const r = await api.call<{ error: { code: string } }>('POST', '/api/admin/tokens', { json: { name: 'sneaky' } });
    assert.equal(r.status, 401);
    assert.equal(r.body.error.code, 'ADMIN_KEY_REQUIRED');
    assert.equal((await api.call('DELETE', '/api/admin/tokens/tests')).status, 401);
    assert.equal((await api.call('GET', '/api/sync/status/5')).status, 200, 'the caller\'s token still works');
  });

  it('a database held by a process that takes no token commands (a sync, the extension) gets an error that says what to do', async () => {
    await withStore(f, async () => {
      const r = await cli(f, ['token', 'create', '--name', 'x']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /in use by pid .*stop it, run "ado-sync token create" and start it again/s);
    });
  });

  it('serve --poll-only answers the API without the receiver\'s credentials (it had no API); tokens can be made while it runs', async () => {
    const noHook = { ADO_SYNC_WEBHOOK_USERNAME: '', ADO_SYNC_WEBHOOK_PASSWORD: '', ADO_SYNC_WEBHOOK_SECRET: '' };
    const token = await createToken({ ...f, env: { ...f.env, ...noHook } }, 'poller');
    api = await startApi({ ...f, env: { ...f.env, ...noHook } }, {}, token, ['--poll-only']);
    assert.equal((await api.call('GET', '/api/sync/status/5')).status, 200);
    assert.equal((await api.call('GET', '/api/sync/status/5', { token: null })).status, 401);
    const sync = await api.call<{ status: string }>('POST', '/api/sync/force-sync/5');
    assert.equal(sync.status, 200, JSON.stringify(sync.body));
    // No receiver: the webhook path is no route of the API.
    const hook = await api.call<{ error: { code: string } }>('POST', '/api/webhooks/workitem', { json: {} });
    assert.equal(hook.status, 404);
    assert.equal(hook.body.error.code, 'NO_ROUTE');
    const made = await cli(f, ['token', 'create', '--name', 'second', '--json'], noHook);
    assert.equal(made.code, 0, made.stderr);
    assert.equal((await api.call('GET', '/api/sync/status/5', { token: (JSON.parse(made.stdout) as { token: string }).token })).status, 200);

    const stopped = await api.stop();
    api = undefined;
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stdout, /Webhook receiver: off \(poll only\)/);
    assert.match(stopped.stdout, /HTTP API: http:\/\/127\.0\.0\.1:\d+\/api/);
  });
});
