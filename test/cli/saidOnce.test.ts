// A failure is said once: a run that stops (here: the token refused in the middle of a sync,
// after the connection check passed) is reported by its summary on stdout, and stderr adds only
// what to do, not the same server message again.
import assert from 'node:assert/strict';
import { CliFixture } from './support';

describe('ado-sync says a failure once', () => {
  const f = new CliFixture();
  // Work item routes refuse the token; connectionData and the project (the check) still answer.
  before(() => f.start({ faults: '403@1:/_apis/wit/' }));
  after(() => f.stop());

  it('a sync that stops on a refused token: the server message once, one line of advice, exit 2', async () => {
    const run = await f.run(['sync', '--work-item', '4']);
    assert.equal(run.code, 2);
    assert.match(run.out, /^Sync of work item 4 failed/);
    assert.equal((run.out + run.err).split('TF400813').length - 1, 1, `${run.out}\n${run.err}`);
    assert.equal(run.err.trim().split('\n').length, 1, run.err);
    assert.match(run.err, /^error: Azure DevOps refused the personal access token in AZDO_PAT during the run \(\w+\)\. Check the personal access token/);
  });
});
