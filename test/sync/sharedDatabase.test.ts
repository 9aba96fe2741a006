// Two sync engines (as two `serve` processes would have) on one PostgreSQL database, one workspace,
// the real emulator: attaches asked through both at once for one work item. Each run ends (none
// waits for a processing that the other engine already did), answers for its own file only, and
// every file is linked once.
import assert from 'node:assert/strict';
import path from 'node:path';
import { createAdoClient, PatAuth } from '../../src/core/ado';
import { DEFAULT_SETTINGS } from '../../src/core/settings';
import { openPgSyncDb, type PgSyncDb } from '../../src/core/store/postgres/pgSyncDb';
import type { RunSummary, SyncEngine } from '../../src/core/sync/engineApi';
import { createSyncEngine } from '../../src/core/sync/syncEngine';
import { startPostgresOrSkip, type PostgresServer } from '../support/postgres';
import { PAT, SyncWorld } from './support';

/** A run that has not ended by then is a defect (it would hang an API request): fail, do not wait. */
function within(ms: number, what: string, run: Promise<RunSummary>): Promise<RunSummary> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} did not end within ${ms} ms`)), ms); });
  return Promise.race([run, late]).finally(() => clearTimeout(timer));
}

describe('two sync engines on one PostgreSQL database', function () {
  this.timeout(180_000);
  let pg: PostgresServer | undefined;
  let w: SyncWorld;
  const dbs: PgSyncDb[] = [];
  const engines: SyncEngine[] = [];
  let n = 0;

  before(async function () { pg = await startPostgresOrSkip(this); });
  after(async () => { await pg?.stop(); });

  beforeEach(async () => {
    w = await new SyncWorld().start();
    const url = await pg!.createDatabase(`shared_${++n}`);
    for (let i = 0; i < 2; i++) {
      const db = await openPgSyncDb({ url, localPath: w.dbPath });
      dbs.push(db);
      const client = createAdoClient({ orgUrl: w.emulator.baseUrl, project: 'Demo', auth: new PatAuth(PAT), backoff: { baseMs: 20, capMs: 200 }, maxRetries: 4, requestsPerMinute: 60_000 });
      engines.push(createSyncEngine({
        client, store: db, workspaceRoot: w.workspace, log: (level, m) => w.logs.push(`${i} ${level}: ${m}`),
        settings: { ...DEFAULT_SETTINGS, orgUrl: w.emulator.baseUrl, project: 'Demo', chunkSize: 64 * 1024 }, origin: { client: 'test', version: '0.0.0' },
      }));
    }
  });
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.close();
    for (const db of dbs.splice(0)) await db.close();
    await w.stop();
  });

  it('attaches to one work item through both at once: every run ends, with its own file, and each file is linked once', async () => {
    await engines[0].track([5]);
    const names: string[] = [];
    for (let round = 0; round < 4; round++) {
      const files = Array.from({ length: 6 }, (_, i) => w.file(`docs/r${round}-${i}.txt`, `round ${round} file ${i}`));
      const runs = await Promise.all(files.map((file, i) => within(30_000, `the attach of ${path.basename(file)} through engine ${i % 2}`,
        engines[i % 2].attach({ files: [file], workItemId: 5 }))));
      runs.forEach((run, i) => {
        assert.deepEqual(run.items.map((item) => `${item.fileName} ${item.status}`), [`r${round}-${i}.txt uploaded`], `round ${round}, run ${i}: ${JSON.stringify(run.items)}`);
      });
      names.push(...files.map((f) => path.basename(f)));
    }
    const linked = (await w.relations(5)).map((r) => r.attributes.name ?? '').filter((name) => /^r\d-/.test(name)).sort();
    assert.deepEqual(linked, names.sort(), 'each file linked once');
  });
});
