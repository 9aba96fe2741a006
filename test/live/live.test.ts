// npm run test:live without credentials: says it skipped and exits 0. (The scenarios themselves
// run against the emulator in test/emulator-tests/expectedBehaviour.test.ts.)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { liveConfig } from './run';

describe('live suite', function () {
  this.timeout(60_000);

  it('needs ADO_LIVE=1 and all of AZDO_ORG_URL, AZDO_PROJECT, AZDO_PAT', () => {
    assert.equal(liveConfig({ AZDO_ORG_URL: 'https://dev.azure.com/x', AZDO_PROJECT: 'p', AZDO_PAT: 't' }), 'ADO_LIVE is not 1');
    assert.equal(liveConfig({ ADO_LIVE: '1', AZDO_ORG_URL: 'https://dev.azure.com/x' }), 'AZDO_PROJECT, AZDO_PAT not set');
    const config = liveConfig({ ADO_LIVE: '1', AZDO_ORG_URL: 'https://server/tfs/Coll/', AZDO_PROJECT: 'p', AZDO_PAT: 't', AZDO_API_VERSION: '5.0', ADO_LIVE_DESTROY: '1' });
    assert.deepEqual(config, { orgUrl: 'https://server/tfs/Coll', project: 'p', pat: 't', apiVersion: '5.0', destroy: true, hookUrl: undefined, workItemType: 'Task' });
  });

  it('skips cleanly without credentials: says so and exits 0', () => {
    const env = { ...process.env, ADO_LIVE: '', AZDO_PAT: '' };
    const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'run.ts')], { env, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^test:live skipped: ADO_LIVE is not 1/);
  });
});
