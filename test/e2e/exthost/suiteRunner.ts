// Runs the extension-host suites with mocha against the real `vscode` module. Bundled together
// with the suites (see lib/suiteBundle.ts) and loaded either by the harness extension under
// code-server or by @vscode/test-electron, which calls run().
import { writeFileSync, renameSync } from 'node:fs';
import Mocha from 'mocha';
import { collectResults, countResults, describeError, type SuiteResults } from '../lib/results';
import { recordedMetrics } from './metrics';
import { RESULTS_ENV } from './protocol';

/** One suite file; load() evaluates it after mocha's globals (describe, it) exist. */
export interface SuiteFile {
  readonly file: string;
  readonly load: () => unknown;
}

export class SuitesFailedError extends Error {
  constructor(readonly failed: number) {
    super(`${failed} extension-host test(s) failed`);
    this.name = 'SuitesFailedError';
  }
}

export async function runSuites(files: readonly SuiteFile[], reporter: 'spec' | 'silent'): Promise<SuiteResults> {
  const mocha = new Mocha({
    ui: 'bdd',
    timeout: 20_000,
    color: false,
    // The silent run's output would only land in the extension host's log.
    reporter: reporter === 'spec' ? 'spec' : Mocha.reporters.Base,
  });
  for (const suite of files) {
    mocha.suite.emit('pre-require', globalThis, suite.file, mocha);
    suite.load();
  }
  const runner = mocha.run();
  const tests = await collectResults(runner);
  return { tests, metrics: recordedMetrics() };
}

function writeResults(file: string, results: SuiteResults): void {
  // Written whole, then renamed: the reader polls for the file and must never see half of it.
  writeFileSync(`${file}.tmp`, JSON.stringify(results, null, 2));
  renameSync(`${file}.tmp`, file);
}

/** The entry point both hosts call: resolves when every test passed, rejects otherwise. */
export function createSuiteEntry(files: readonly SuiteFile[]): { run: () => Promise<void> } {
  return {
    async run(): Promise<void> {
      const resultsFile = process.env[RESULTS_ENV];
      let results: SuiteResults;
      try {
        results = await runSuites(files, resultsFile ? 'silent' : 'spec');
      } catch (err) {
        results = { tests: [{ title: 'extension-host suites load', state: 'failed', error: describeError(err) }], metrics: {} };
      }
      if (resultsFile) writeResults(resultsFile, results);
      const { failed } = countResults(results.tests);
      if (failed > 0) throw new SuitesFailedError(failed);
    },
  };
}
