import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openStore } from '../../../src/core/store';
import { sqlJsDb } from '../../../src/core/store/sqlJsDb';
import { storeContract } from './storeContract';

describe('store contract: sql.js', () => {
  const dirs: string[] = [];
  after(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

  storeContract(async (clock) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contract-sqljs-'));
    dirs.push(dir);
    return sqlJsDb(await openStore({ path: path.join(dir, 'state.sqlite'), now: () => clock.now }));
  });
});
