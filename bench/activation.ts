// Activation time as VS Code itself reports it (Developer: Show Running Extensions), for our
// extension and, in the same code-server window, an empty extension that activates on the same
// event (opening the Work Items view). The empty one is the floor: what VS Code charges any
// extension for loading and calling activate().
//
//   npm run build && npm run bench:activation        (BENCH_RUNS=3 by default: 3 fresh windows)
// Needs the code-server that test/e2e/setup.sh installs (npm run test:e2e does it once).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { errorMessage } from '../src/core/errorMessage';
import { installSignalHandlers, runCleanups } from '../test/e2e/lib/cleanup';
import { codeServerDirs, startCodeServer } from '../test/e2e/lib/codeServer';
import { loadE2eEnv } from '../test/e2e/lib/e2eEnv';
import { installUnpacked } from '../test/e2e/lib/extensionInstall';
import { REPO_ROOT } from '../test/e2e/lib/paths';
import { showWorkItemsView } from '../test/e2e/lib/adoWorkbench';
import { pollUntil } from '../test/e2e/lib/steps';
import { launchBrowser, openWorkbench, runCommand } from '../test/e2e/lib/workbench';

const VIEW = 'adoSyncWorkItems';
const EMPTY = { publisher: 'bench', name: 'empty-reference', displayName: 'Empty reference extension' };
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

/** An extension that does nothing, activated by opening our view. */
function installEmpty(extensionsDir: string): void {
  const dir = path.join(extensionsDir, `${EMPTY.publisher}.${EMPTY.name}-0.0.1`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
    ...EMPTY, version: '0.0.1', engines: { vscode: '^1.90.0' }, main: './main.js', activationEvents: [`onView:${VIEW}`],
  }));
  writeFileSync(path.join(dir, 'main.js'), 'exports.activate = () => undefined;\nexports.deactivate = () => undefined;\n');
}

/** "Activation: 12ms" (or "Startup Activation") of the row naming displayName, in milliseconds. */
function activationMs(text: string, displayName: string): number | undefined {
  const at = text.indexOf(displayName);
  if (at < 0) return undefined;
  const m = /Activation:\s*([\d.]+)\s*ms/i.exec(text.slice(at, at + 400));
  return m ? Number(m[1]) : undefined;
}

/** One fresh window; undefined when VS Code did not list both extensions (said, not counted). */
async function oneWindow(run: number): Promise<{ ours: number; empty: number } | undefined> {
  const env = loadE2eEnv();
  const root = mkdtempSync(path.join(os.tmpdir(), 'bench-activation-'));
  const workspace = path.join(root, 'workspace');
  mkdirSync(workspace, { recursive: true });
  const { extensionsDir } = codeServerDirs(root);
  installUnpacked(REPO_ROOT, extensionsDir);
  installEmpty(extensionsDir);
  const server = await startCodeServer({ env, rootDir: root, workspace });
  const browser = await launchBrowser(env.chromium);
  try {
    const page = await openWorkbench(browser, server.url, workspace);
    await showWorkItemsView(page);
    await page.locator('.part.statusbar .statusbar-item', { hasText: /ADO:/ }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await runCommand(page, 'Developer: Show Running Extensions');
    const editor = page.locator('.runtime-extensions-editor, .editor-instance').first();
    let text = '';
    const times = await pollUntil('both extensions in Running Extensions', 30_000, async () => {
      text = await editor.innerText().catch(() => '');
      const ours = activationMs(text, 'Azure DevOps Attachment Sync');
      const empty = activationMs(text, EMPTY.displayName);
      return ours !== undefined && empty !== undefined ? { ours, empty } : undefined;
    }, () => `the view showed:\n${text}`);
    if (process.env.BENCH_VERBOSE) console.log(text);
    console.log(`run ${run}: ours ${times.ours} ms, empty extension ${times.empty} ms, difference ${times.ours - times.empty} ms`);
    return times;
  } catch (error) {
    console.log(`run ${run}: not counted (${errorMessage(error).split('\n')[0]})`);
    return undefined;
  } finally {
    await browser.close();
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  installSignalHandlers();
  const results: { ours: number; empty: number }[] = [];
  try {
    for (let i = 1; i <= RUNS; i++) {
      const times = await oneWindow(i);
      if (times) results.push(times);
    }
  } finally {
    await runCleanups();
  }
  if (results.length === 0) throw new Error('no window listed both extensions');
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  // Both activate on the same event in the same extension host, so the difference is what ours costs.
  console.log(`activation (median of ${results.length} windows, as VS Code reports it): ours ${median(results.map((r) => r.ours))} ms, ` +
    `empty extension ${median(results.map((r) => r.empty))} ms, difference ${median(results.map((r) => r.ours - r.empty))} ms`);
}

void main().then(() => process.exit(0), (error: unknown) => { console.error(error); process.exit(1); });
