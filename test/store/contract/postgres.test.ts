import * as os from 'node:os';
import * as path from 'node:path';
import { openPgSyncDb } from '../../../src/core/store/postgres/pgSyncDb';
import { startPostgresOrSkip, type PostgresServer } from '../../support/postgres';
import { storeContract } from './storeContract';

describe('store contract: PostgreSQL', function () {
  this.timeout(60_000);
  let server: PostgresServer | undefined;
  let n = 0;

  before(async function () { server = await startPostgresOrSkip(this); });
  after(async () => { await server?.stop(); });

  // A database of its own per test: each starts empty and migrates.
  storeContract(async (clock) => openPgSyncDb({ url: await server!.createDatabase(`contract_${++n}`), localPath: path.join(os.tmpdir(), 'contract.sqlite'), now: () => clock.now }));
});
