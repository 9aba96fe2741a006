// Test-only extension installed beside ours in code-server. The extension host inherits
// code-server's environment; when it names a suite bundle, this runs it once (run() writes the
// results file named by ADO_E2E_RESULTS).
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { describeError, type SuiteResults } from '../lib/results';
import { RESULTS_ENV, SUITE_BUNDLE_ENV } from '../exthost/protocol';
import { serveCalls } from './callCommand';
import { TestMicrosoftAuthProvider } from './testAuthProvider';

interface SuiteBundle {
  run(): Promise<void>;
}

function isSuiteBundle(value: unknown): value is SuiteBundle {
  return typeof value === 'object' && value !== null && typeof (value as SuiteBundle).run === 'function';
}

/** Every workbench window has its own extension host: only the first one runs the suites. */
function claim(resultsFile: string): boolean {
  try {
    writeFileSync(`${resultsFile}.claim`, String(process.pid), { flag: 'wx' });
    return true;
  } catch {
    return false;
  }
}

/** In every window: the `microsoft` provider code-server lacks, and the browser suites' calls. */
function registerTestServices(context: vscode.ExtensionContext, resultsFile: string | undefined): void {
  const microsoft = new TestMicrosoftAuthProvider(context.globalState);
  context.subscriptions.push(microsoft, vscode.authentication.registerAuthenticationProvider('microsoft', 'Microsoft (e2e)', microsoft, { supportsMultipleAccounts: false }));
  if (resultsFile) {
    context.subscriptions.push(serveCalls(resultsFile, {
      refreshMicrosoftToken: () => microsoft.refresh(),
      workspaceFolders: async () => (vscode.workspace.workspaceFolders ?? []).map((f) => f.name),
    }));
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const bundlePath = process.env[SUITE_BUNDLE_ENV];
  const resultsFile = process.env[RESULTS_ENV];
  registerTestServices(context, resultsFile);
  if (!bundlePath || !resultsFile || !claim(resultsFile)) return;
  try {
    const bundle: unknown = createRequire(__filename)(bundlePath);
    if (!isSuiteBundle(bundle)) throw new Error(`${bundlePath} does not export run()`);
    await bundle.run();
  } catch (err) {
    // run() has written the results when tests failed; anything earlier (a bundle that does not
    // load) is reported here so that the runner does not wait for nothing.
    if (err instanceof Error && err.name === 'SuitesFailedError') return;
    const results: SuiteResults = { tests: [{ title: 'harness loads the suite bundle', state: 'failed', error: describeError(err) }], metrics: {} };
    writeFileSync(resultsFile, JSON.stringify(results, null, 2));
  }
}

export function deactivate(): void {}
