// Results collected from a real mocha run and printed with the closing line CI reads.
import * as assert from 'node:assert/strict';
import Mocha from 'mocha';
import { collectResults, countResults, formatSection, formatSummary } from './results';

describe('e2e: results', () => {
  it('collects passed, failed (with the error) and skipped tests from a mocha run', async () => {
    const mocha = new Mocha({ reporter: Mocha.reporters.Base });
    const suite = Mocha.Suite.create(mocha.suite, 'inner');
    suite.addTest(new Mocha.Test('passes', () => undefined));
    suite.addTest(new Mocha.Test('fails', () => {
      throw new Error('boom');
    }));
    suite.addTest(new Mocha.Test('is pending'));
    const tests = await collectResults(mocha.run());
    assert.deepEqual(tests.map((test) => [test.title, test.state]), [
      ['inner passes', 'passed'],
      ['inner fails', 'failed'],
      ['inner is pending', 'skipped'],
    ]);
    assert.match(tests[1].error ?? '', /Error: boom/);
    assert.deepEqual(countResults(tests), { passed: 1, failed: 1, skipped: 1 });
  });

  it('prints mocha-like lines and "N passed, N failed"', () => {
    const lines = formatSection('host', {
      tests: [
        { title: 'a works', state: 'passed', durationMs: 12 },
        { title: 'b breaks', state: 'failed', error: 'Error: nope\n    at x' },
      ],
      metrics: { 'activate() ms': 21.5 },
    });
    assert.deepEqual(lines, ['', 'host', '  ✔ a works (12 ms)', '  ✖ b breaks', '      Error: nope', '          at x', '  · activate() ms: 21.5']);
    assert.equal(formatSummary({ passed: 3, failed: 1, skipped: 0 }), '3 passed, 1 failed');
    assert.equal(formatSummary({ passed: 3, failed: 0, skipped: 2 }), '3 passed, 0 failed, 2 skipped');
  });
});
