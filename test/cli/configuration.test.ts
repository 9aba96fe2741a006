// What every connected command does before its work: configuration from flags over env, the PAT
// from AZDO_PAT only, exit 2 with what to set, a rejected PAT tried once, a locked database.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { openStore } from '../../src/core/store';
import { CliFixture, parse } from './support';

describe('ado-sync configuration and credentials', () => {
  const f = new CliFixture();
  before(() => f.start());
  after(() => f.stop());

  it('names the flags and variables to set when the connection is not configured, and does nothing', async () => {
    const before = f.ado.state.stats.totalRequests;
    const run = await f.run(['list', '4'], { env: { AZDO_ORG_URL: '', AZDO_PROJECT: '' } });
    assert.equal(run.code, 2);
    assert.equal(run.out, '');
    assert.match(run.err, /^error: Not configured: the organization or collection URL \(--org-url or AZDO_ORG_URL\) and the project \(--project or AZDO_PROJECT\)\.\n$/);
    const noPat = await f.run(['list', '4', '--json'], { env: { AZDO_PAT: '  ' } });
    assert.equal(noPat.code, 2);
    assert.match(noPat.err, /set AZDO_PAT/);
    assert.deepEqual(parse(noPat), { success: false, message: 'The personal access token is missing: set AZDO_PAT.', exitCode: 2 });
    assert.equal(f.ado.state.stats.totalRequests, before, 'no request without a configuration');
  });

  it('takes flags over the environment', async () => {
    const run = await f.run(['list', '4', '--org-url', f.ado.baseUrl, '--project', f.ado.project, '--api-version', '7.0', '--json'], { env: { AZDO_ORG_URL: 'http://127.0.0.1:9/nowhere', AZDO_PROJECT: 'Other' } });
    assert.equal(run.code, 0, run.err);
    assert.equal(parse<{ workItemId: number }>(run).workItemId, 4);
  });

  it('refuses invalid values with the variable or flag to fix', async () => {
    const env = await f.run(['list', '4'], { env: { AZDO_API_VERSION: '9.9' } });
    assert.equal(env.code, 2);
    assert.match(env.err, /AZDO_API_VERSION must be one of auto, 7\.1, 7\.0, 6\.0, 5\.0; got "9\.9"/);
    const flag = await f.run(['list', '4', '--api-version', '8']);
    assert.equal(flag.code, 2);
    assert.match(flag.err, /--api-version must be one of/);
    const url = await f.run(['list', '4'], { env: { AZDO_ORG_URL: 'not a url' } });
    assert.equal(url.code, 2);
    assert.match(url.err, /--org-url or AZDO_ORG_URL/);
    const id = await f.run(['list', 'four']);
    assert.equal(id.code, 2);
    assert.match(id.err, /The argument must be a work item id, a positive whole number; got "four"/);
    const option = await f.run(['list', '4', '--pat', 'secret']);
    assert.equal(option.code, 2);
    assert.match(option.err, /unknown option --pat\.[\s\S]*Usage: ado-sync list <workItemId>/);
  });

  it('ends on a wrong PAT with exit 2 after exactly one 401, never retried', async () => {
    const before = f.responses(401);
    const run = await f.run(['list', '4'], { env: { AZDO_PAT: 'wrong-pat' } });
    assert.equal(run.code, 2);
    assert.match(run.err, /rejected the personal access token in AZDO_PAT \(401\)/);
    assert.doesNotMatch(run.err, /wrong-pat/, 'the PAT never shows');
    assert.equal(f.responses(401) - before, 1);
  });

  it('exits 2 naming the holder when another process has the state database', async () => {
    const holder = await openStore({ path: f.dbPath });
    try {
      const run = await f.run(['track', '4']);
      assert.equal(run.code, 2);
      assert.match(run.err, new RegExp(`Sync store is in use by pid ${process.pid} on .+ Wait for it to finish, or point --db \\(ATTACHMENT_SYNC_DB_PATH\\)`));
      // Reporting commands read without the lock.
      for (const args of [['status', '4'], ['list', '4'], ['history']]) {
        const run = await f.run(args);
        assert.equal(run.code, 0, `${args.join(' ')}: ${run.err}`);
      }
    } finally {
      holder.close();
    }
  });

  it('opens the database given by --db or ATTACHMENT_SYNC_DB_PATH, relative to the working directory', async () => {
    assert.equal((await f.run(['track', '4'], { env: { ATTACHMENT_SYNC_DB_PATH: 'env.sqlite' } })).code, 0);
    assert.equal((await f.run(['track', '4', '--db', 'sub/flag.sqlite'], { env: { ATTACHMENT_SYNC_DB_PATH: 'env.sqlite' } })).code, 0);
    assert.ok(existsSync(path.join(f.dir, 'env.sqlite')));
    assert.ok(existsSync(path.join(f.dir, 'sub', 'flag.sqlite')));
  });
});
