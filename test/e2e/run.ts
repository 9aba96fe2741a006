// End-to-end run in a real VS Code (code-server, installed by test/e2e/setup.sh):
//   a. the extension-host suites (test/e2e/suite/*.test.ts) through the harness extension;
//   b. the browser suites (test/e2e/browser/*.ui.ts) driving the workbench in Debian's chromium.
// Assumes `npm run build` ran. Usage: npx tsx test/e2e/run.ts
// Env: E2E_KEEP=1 keeps the temp folder (logs, user data); E2E_TIMEOUT_S bounds the whole run.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EMULATOR_URL_ENV, RESULTS_ENV, SUITE_BUNDLE_ENV } from './exthost/protocol';
import { runBrowserSuites } from './lib/browserSuites';
import { installSignalHandlers, onCleanup, removeDirLater, runCleanups } from './lib/cleanup';
import { codeServerDirs, startCodeServer, type CodeServer } from './lib/codeServer';
import { loadE2eEnv } from './lib/e2eEnv';
import { startEmulatorIfPresent } from './lib/emulator';
import { extensionId, installUnpacked, readManifest } from './lib/extensionInstall';
import { activationLines, exthostLogFiles } from './lib/exthostLog';
import { installHarness } from './lib/harness';
import { tailOf } from './lib/logFile';
import { REPO_ROOT } from './lib/paths';
import { countResults, describeError, formatSection, formatSummary, isSuiteResults, type SuiteResults, type TestResult } from './lib/results';
import { setE2eSession } from './lib/session';
import { pollUntil, timed, withTimeout } from './lib/steps';
import { launchBrowser, openWorkbench } from './lib/workbench';

const EXTHOST_SUITES_TIMEOUT_MS = 180_000;

const allTests: TestResult[] = [];

function report(name: string, results: SuiteResults): void {
  allTests.push(...results.tests);
  console.log(formatSection(name, results).join('\n'));
}

/** Failures the run expects to meet (missing setup, a deadline) speak for themselves: no stack. */
const EXPECTED_FAILURES = new Set(['E2eSetupMissingError', 'ExtensionNotBuiltError', 'StepTimeoutError', 'CodeServerStartError']);

function reportStepFailure(step: string, err: unknown): void {
  const error = err instanceof Error && EXPECTED_FAILURES.has(err.name) ? err.message : describeError(err);
  report(step, { tests: [{ title: step, state: 'failed', error }], metrics: {} });
}

function exthostLogTail(server: CodeServer): string {
  const logs = exthostLogFiles(server.userDataDir);
  return [server.logTail(20), ...logs.map((file) => tailOf(file, 30))].join('\n');
}

async function waitForExthostResults(resultsFile: string, server: CodeServer): Promise<SuiteResults> {
  return pollUntil(
    'extension-host suites (results from the harness)',
    EXTHOST_SUITES_TIMEOUT_MS,
    () => {
      if (!existsSync(resultsFile)) return undefined;
      const parsed: unknown = JSON.parse(readFileSync(resultsFile, 'utf8'));
      if (!isSuiteResults(parsed)) throw new Error(`${resultsFile} does not hold suite results`);
      return parsed;
    },
    () => exthostLogTail(server),
    500,
  );
}

function makeWorkspace(root: string): string {
  const workspace = path.join(root, 'workspace');
  mkdirSync(workspace, { recursive: true });
  writeFileSync(path.join(workspace, 'README.md'), '# e2e workspace\n');
  return workspace;
}

async function run(): Promise<void> {
  const env = loadE2eEnv();
  const manifest = readManifest(REPO_ROOT);
  const root = mkdtempSync(path.join(os.tmpdir(), 'ado-e2e-'));
  if (process.env.E2E_KEEP === '1') onCleanup('keep temp folder', () => console.log(`e2e: kept ${root}`));
  else removeDirLater(root);

  const workspace = makeWorkspace(root);
  const { extensionsDir } = codeServerDirs(root);
  installUnpacked(REPO_ROOT, extensionsDir);
  const harness = await installHarness(extensionsDir);
  console.log(`e2e: code-server ${env.codeServerVersion}, ${extensionId(manifest)} ${manifest.version}, suites: ${harness.suites.join(', ')}`);

  const emulator = await withTimeout('ADO emulator start', 30_000, startEmulatorIfPresent());
  console.log(emulator ? `e2e: ADO emulator at ${emulator.url}` : 'e2e: no test/emulator/index.ts yet: running without the ADO emulator');

  const resultsFile = path.join(root, 'exthost-results.json');
  const started = await timed(() =>
    startCodeServer({
      env,
      rootDir: root,
      workspace,
      extraEnv: {
        [SUITE_BUNDLE_ENV]: harness.suiteBundle,
        [RESULTS_ENV]: resultsFile,
        ...(emulator ? { [EMULATOR_URL_ENV]: emulator.url } : {}),
      },
    }),
  );
  const server = started.value;
  const browser = await withTimeout('chromium start', 60_000, launchBrowser(env.chromium));
  const opened = await timed(() =>
    withTimeout('workbench load', 90_000, openWorkbench(browser, server.url, workspace), () => server.logTail()),
  );
  const page = opened.value;
  console.log(`e2e: code-server ready in ${started.ms} ms at ${server.url}; workbench rendered in ${opened.ms} ms`);

  // a. The extension host of this window started the harness, which runs the suites.
  try {
    const exthost = await waitForExthostResults(resultsFile, server);
    report('extension host (code-server)', exthost);
    for (const line of activationLines(server.userDataDir, extensionId(manifest))) console.log(`  · exthost log: ${line.trim()}`);
  } catch (err) {
    reportStepFailure('extension-host suites', err);
  }

  // b. Browser suites on the same window.
  try {
    setE2eSession({ browser, page, codeServer: server, workspace, extensionId: extensionId(manifest), emulatorUrl: emulator?.url, resultsFile });
    report('workbench (chromium)', await runBrowserSuites());
  } catch (err) {
    reportStepFailure('browser suites', err);
  }
}

async function main(): Promise<number> {
  installSignalHandlers();
  const limitS = Number(process.env.E2E_TIMEOUT_S ?? 900);
  const started = performance.now();
  try {
    await withTimeout(`whole e2e run (E2E_TIMEOUT_S=${limitS})`, limitS * 1000, run());
  } catch (err) {
    reportStepFailure('e2e run', err);
  } finally {
    await runCleanups();
  }
  const counts = countResults(allTests);
  console.log(`\ne2e: ${Math.round((performance.now() - started) / 100) / 10} s`);
  console.log(formatSummary(counts));
  return counts.failed > 0 || counts.passed === 0 ? 1 : 0;
}

void main().then((code) => process.exit(code));
