// The emulator held to test/live/expected-behaviour.json, the table a live run against a real
// organization checks too: the live scenarios run against the emulator (so they are known to
// execute) and every answer must match the table.
import assert from 'node:assert/strict';
import { loadExpected, mismatches } from '../live/compare';
import { runAgainstEmulator } from '../live/run';

describe('emulator against the table of expected behaviour (live scenarios)', function () {
  this.timeout(120_000);

  it('runs every live scenario against the emulator, which answers as expected-behaviour.json says', async () => {
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
});
