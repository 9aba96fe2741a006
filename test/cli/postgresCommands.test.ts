// The commands that used to open the sql.js file whatever the database URL said (list, webhook,
// import-backlog), run in process with ADO_SYNC_DATABASE_URL: they read and write the PostgreSQL store, and no
// state file appears in the workspace.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openPgSyncDb } from '../../src/core/store/postgres/pgSyncDb';
import type { SyncDb } from '../../src/core/store/syncDb';
import { generateBacklog } from '../ardoq-emulator';
import { startPostgresOrSkip, type PostgresServer } from '../support/postgres';
import { CliFixture } from './support';

describe('CLI commands on PostgreSQL (ADO_SYNC_DATABASE_URL)', function () {
  this.timeout(60_000);
  let pg: PostgresServer | undefined;
  const f = new CliFixture();
  let n = 0;

  before(async function () {
    pg = await startPostgresOrSkip(this);
    await f.start();
  });
  after(async () => {
    await f.stop();
    await pg?.stop();
  });

  /** A new database, and the environment that names it. */
  async function database(): Promise<{ url: string; env: NodeJS.ProcessEnv }> {
    const url = await pg!.createDatabase(`cli_${++n}`);
    return { url, env: { ADO_SYNC_DATABASE_URL: url } };
  }

  async function withPg<T>(url: string, use: (db: SyncDb) => Promise<T>): Promise<T> {
    const db = await openPgSyncDb({ url, localPath: f.dbPath });
    try {
      return await use(db);
    } finally {
      await db.close();
    }
  }

  it('list shows the records of the PostgreSQL store', async () => {
    const { env } = await database();
    await writeFile(path.join(f.dir, 'spec.txt'), 'the spec');
    const attached = await f.run(['attach', '--work-item', '4', 'spec.txt'], { env });
    assert.equal(attached.code, 0, attached.err);
    const listed = await f.run(['list', '4', '--json'], { env });
    assert.equal(listed.code, 0, listed.err);
    const answer = JSON.parse(listed.out) as { syncSummary: { localCount: number; syncedCount: number }; localAttachments: { file_name: string }[] };
    assert.deepEqual([answer.syncSummary.localCount, answer.syncSummary.syncedCount], [1, 1]);
    assert.deepEqual(answer.localAttachments.map((a) => a.file_name), ['spec.txt']);
    assert.equal(existsSync(f.dbPath), false, 'no sql.js file was opened');
  });

  it('webhook register | list | unregister keep their records in PostgreSQL', async () => {
    const { url, env } = await database();
    const hookEnv = { ...env, ADO_SYNC_WEBHOOK_SECRET: 'a-shared-secret-for-the-hook' };
    const publicUrl = 'https://sync.example.test/api/webhooks/workitem';
    const registered = await f.run(['webhook', 'register', '--public-url', publicUrl, '--json'], { env: hookEnv });
    assert.equal(registered.code, 0, registered.err);
    const recorded = await withPg(url, (db) => db.webhooks.list());
    assert.deepEqual(recorded.map((w) => [w.eventType, w.url, w.project]), [['workitem.created', publicUrl, f.ado.project], ['workitem.updated', publicUrl, f.ado.project]]);

    // Deleted in the service's web UI: only our records still know it, and list says it is missing.
    f.ado.state.subscriptions.delete(recorded[0].subscriptionId);
    const listed = await f.run(['webhook', 'list', '--json'], { env });
    assert.equal(listed.code, 0, listed.err);
    const { subscriptions } = JSON.parse(listed.out) as { subscriptions: { id: string; status: string }[] };
    assert.deepEqual(subscriptions.map((s) => [s.id, s.status]).sort(), [[recorded[0].subscriptionId, 'missing'], [recorded[1].subscriptionId, 'enabled']].sort());

    const removed = await f.run(['webhook', 'unregister', '--public-url', publicUrl, '--json'], { env });
    assert.equal(removed.code, 0, removed.err);
    assert.deepEqual(await withPg(url, (db) => db.webhooks.list()), []);
    assert.equal(existsSync(f.dbPath), false, 'no sql.js file was opened');
  });

  it('import-backlog records its run in PostgreSQL', async () => {
    const { url, env } = await database();
    await writeFile(path.join(f.dir, 'backlog.json'), JSON.stringify({ values: generateBacklog({ workspaceId: 'ws-pg', epics: 1, featuresPerEpic: 1, storiesPerFeature: 2 }) }));
    const imported = await f.run(['import-backlog', '--from', 'file', '--file', 'backlog.json', '--json'], { env });
    assert.equal(imported.code, 0, imported.err);
    const { historyId } = JSON.parse(imported.out) as { historyId: number };
    const run = await withPg(url, (db) => db.history.get(historyId));
    assert.deepEqual([run?.kind, run?.status, run?.itemsCreated, run?.userStoriesCreated], ['backlog_import', 'completed', 4, 2]);
    assert.equal(existsSync(f.dbPath), false, 'no sql.js file was opened');
  });

  it('import-backlog refuses a database URL that is not PostgreSQL\'s', async () => {
    const r = await f.run(['import-backlog', '--from', 'file', '--file', 'backlog.json'], { env: { ADO_SYNC_DATABASE_URL: 'mysql://db/sync' } });
    assert.equal(r.code, 2);
    assert.match(r.err, /ADO_SYNC_DATABASE_URL\) must be a postgres:\/\/ URL/);
  });
});
