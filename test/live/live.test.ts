// The live scenarios run against the emulator: they execute, and the emulator answers as
// expected-behaviour.json says the real service does (the emulator's self-test of that table).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { loadExpected, mismatches } from './compare';
import { liveConfig, runAgainstEmulator } from './run';

describe('live suite', function () {
  this.timeout(120_000);

  it('runs every scenario against the emulator, which answers as expected-behaviour.json says', async () => {
    const run = await runAgainstEmulator();
    assert.deepEqual(run.errors, []);
    const expected = loadExpected();
    assert.deepEqual(run.observations.flatMap((o) => mismatches(o, expected[o.key])), []);
    const seen = new Set(run.observations.map((o) => o.key));
    assert.deepEqual(Object.keys(expected).filter((key) => !seen.has(key)), [], 'every behaviour of the table is observed');
    const burst = run.observations.find((o) => o.key === 'rateLimit.burst');
    assert.equal(burst?.facts.headersSeen, true, 'the rate-limited emulator sent its headers');
  });

  it('the alternative behaviours behind the emulator flags are the ones the table names', async () => {
    const run = await runAgainstEmulator({ fidelity: { scatterStatus: 400 } });
    const expected = loadExpected();
    const strict = run.observations.flatMap((o) => mismatches(o, expected[o.key]));
    assert.deepEqual(strict.map((line) => line.split(':')[0]).sort(), ['upload.gap', 'upload.replayAfterComplete']);
    assert.deepEqual(run.observations.flatMap((o) => mismatches(o, expected[o.key], { acceptAlternatives: true })), []);
  });

  it('skips cleanly without credentials: says so and exits 0', () => {
    assert.equal(typeof liveConfig({ ADO_LIVE: '1', AZDO_ORG_URL: 'https://dev.azure.com/x' }), 'string');
    const env = { ...process.env, ADO_LIVE: '', AZDO_PAT: '' };
    const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'run.ts')], { env, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^test:live skipped: ADO_LIVE is not 1/);
  });
});
