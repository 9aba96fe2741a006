// The suite bundle keeps the contract both hosts rely on (a CommonJS module exporting run(),
// `vscode` left external), and reports through the results file when the suites cannot load,
// here in plain node where there is no `vscode` module.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { RESULTS_ENV } from '../exthost/protocol';
import { isSuiteResults } from './results';
import { bundleSuites, suiteFiles } from './suiteBundle';

const run = promisify(execFile);

describe('e2e: suite bundle', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'ado-e2e-bundle-test-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('bundles every suite into one module whose run() reports a load failure in the results file', async () => {
    const bundle = path.join(root, 'suite.js');
    const files = await bundleSuites(bundle);
    assert.deepEqual(files, suiteFiles());
    assert.ok(files.includes('extension.test.ts'));
    assert.match(readFileSync(bundle, 'utf8'), /require\("vscode"\)/);

    const resultsFile = path.join(root, 'results.json');
    const script = `require(${JSON.stringify(bundle)}).run().then(() => process.exit(0), (e) => { console.log(e.name); process.exit(3); })`;
    const outcome = await run(process.execPath, ['-e', script], { env: { ...process.env, [RESULTS_ENV]: resultsFile } }).then(
      () => assert.fail('run() resolved without vscode'),
      (err: { code?: number; stdout?: string }) => err,
    );
    assert.equal(outcome.code, 3);
    assert.match(outcome.stdout ?? '', /SuitesFailedError/);
    const results: unknown = JSON.parse(readFileSync(resultsFile, 'utf8'));
    assert.ok(isSuiteResults(results));
    assert.equal(results.tests.length, 1);
    assert.equal(results.tests[0].state, 'failed');
    assert.match(results.tests[0].error ?? '', /Cannot find module 'vscode'/);
  });
});
