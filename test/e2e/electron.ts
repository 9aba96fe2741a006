// The extension-host suites (test/e2e/suite/*.test.ts) through @vscode/test-electron, the
// ecosystem's standard runner, for machines that can download a VS Code build. This machine
// cannot (the download fails): CI uses test/e2e/run.ts on code-server instead.
// Assumes `npm run build` ran. Usage: npx tsx test/e2e/electron.ts  (VSCODE_VERSION=stable|x.y.z)
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { RESULTS_ENV } from './exthost/protocol';
import { CACHE_DIR, REPO_ROOT } from './lib/paths';
import { countResults, describeError, formatSection, formatSummary, isSuiteResults, type SuiteResults } from './lib/results';
import { bundleSuites } from './lib/suiteBundle';

function readResults(file: string, runError: unknown): SuiteResults {
  if (existsSync(file)) {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (isSuiteResults(parsed)) return parsed;
  }
  // No results: VS Code did not start (no download here) or the suites did not load.
  return { tests: [{ title: 'VS Code (test-electron) runs the suites', state: 'failed', error: describeError(runError ?? 'no results') }], metrics: {} };
}

async function main(): Promise<number> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ado-e2e-electron-'));
  try {
    // Inside the extension's folder, as in the usual layout: its `vscode` import is then ours.
    const suiteBundle = path.join(CACHE_DIR, 'electron', 'suite.js');
    const suites = await bundleSuites(suiteBundle);
    const workspace = path.join(root, 'workspace');
    mkdirSync(workspace);
    const resultsFile = path.join(root, 'results.json');
    console.log(`e2e (test-electron): suites: ${suites.join(', ')}`);
    let runError: unknown;
    try {
      await runTests({
        version: process.env.VSCODE_VERSION ?? 'stable',
        // The download lands in the ignored cache, not in .vscode-test/ at the repo root.
        cachePath: path.join(CACHE_DIR, 'vscode-test'),
        extensionDevelopmentPath: REPO_ROOT,
        extensionTestsPath: suiteBundle,
        extensionTestsEnv: { [RESULTS_ENV]: resultsFile },
        launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', `--user-data-dir=${path.join(root, 'user-data')}`],
      });
    } catch (err) {
      runError = err;
    }
    const results = readResults(resultsFile, runError);
    console.log(formatSection('extension host (test-electron)', results).join('\n'));
    const counts = countResults(results.tests);
    console.log(formatSummary(counts));
    return counts.failed > 0 || counts.passed === 0 ? 1 : 0;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

void main().then((code) => process.exit(code));
