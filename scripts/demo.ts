// `npm run demo`: the main job on the embedded default. Builds, starts the seeded local Azure
// DevOps emulator, prepares a demo workspace, runs a two-way sync with the CLI against it, then
// starts a real VS Code (code-server) with the extension installed and its Connect prefilled,
// and prints the URL to open. Ctrl+C stops everything. Options: see USAGE.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulator, type RunningEmulator } from '../test/emulator/index';
import { codeServerDirs, startCodeServer } from '../test/e2e/lib/codeServer';
import { loadE2eEnv } from '../test/e2e/lib/e2eEnv';
import { installUnpacked } from '../test/e2e/lib/extensionInstall';
import { checkDemoConnect } from '../test/e2e/demoConnect';
import { installSignalHandlers, onCleanup, runCleanups } from '../test/e2e/lib/cleanup';

const REPO = path.resolve(__dirname, '..');
const DEMO_DIR = path.join(REPO, '.demo');
const WORKSPACE = path.join(DEMO_DIR, 'workspace');
const PAT = 'test-pat';
const PROJECT = 'Demo';
const DEFAULT_PORT = 8090;

const USAGE = `Usage: npm run demo -- [options]

Builds, starts the local Azure DevOps emulator (project ${PROJECT}, PAT ${PAT}), runs the CLI
against it in .demo/workspace, then starts VS Code (code-server) with the extension installed and
prints its URL. Ctrl+C stops everything.

Options:
  --port <n>          emulator port (default ${DEFAULT_PORT}; 0 = any free port)
  --no-ui             stop after the CLI part and keep the emulator running (F5 uses this)
  --once              run the CLI part, then exit
  --exit-when-ready   the whole demo, VS Code included, then check in a browser that Connect
                      is prefilled and connects, and exit instead of waiting for you (CI runs
                      this before npm test)
  -h, --help          this text
`;

interface DemoOptions {
  port: number;
  ui: boolean;
  once: boolean;
  exitWhenReady: boolean;
}

class DemoUsageError extends Error {}

function parseOptions(argv: string[]): DemoOptions | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      options: {
        'no-ui': { type: 'boolean' }, once: { type: 'boolean' }, 'exit-when-ready': { type: 'boolean' },
        port: { type: 'string', default: String(DEFAULT_PORT) }, help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new DemoUsageError(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  if (values.help) return undefined;
  const port = /^\d+$/.test(values.port) ? Number(values.port) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new DemoUsageError(`--port must be a port number from 0 to 65535; got "${values.port}".`);
  return { port, ui: !values['no-ui'], once: values.once === true, exitWhenReady: values['exit-when-ready'] === true };
}

function say(message: string): void {
  console.log(`demo: ${message}`);
}

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): number {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: options.cwd ?? REPO, env: options.env ?? process.env });
  return result.status ?? 1;
}

function must(step: string, status: number): void {
  if (status !== 0) throw new Error(`${step} failed (exit ${status})`);
}

/** A workspace with a few files to attach: a note, a CSV and a log big enough to go chunked. */
function prepareWorkspace(orgUrl: string): void {
  rmSync(WORKSPACE, { recursive: true, force: true });
  mkdirSync(path.join(WORKSPACE, 'evidence'), { recursive: true });
  mkdirSync(path.join(WORKSPACE, '.vscode'), { recursive: true });
  writeFileSync(path.join(WORKSPACE, 'evidence', 'repro-steps.md'), '# Login fails after password reset\n\n1. Reset the password\n2. Sign in\n3. See error 500\n');
  const rows = ['run,browser,result', ...Array.from({ length: 200 }, (_, i) => `${i + 1},${i % 2 ? 'edge' : 'firefox'},${i % 7 ? 'pass' : 'fail'}`)];
  writeFileSync(path.join(WORKSPACE, 'evidence', 'test-results.csv'), rows.join('\n') + '\n');
  const line = 'INFO  auth-service  request handled in 12 ms  user=demo@contoso.com\n';
  writeFileSync(path.join(WORKSPACE, 'evidence', 'server-trace.log'), line.repeat(Math.ceil((12 * 1024 * 1024) / line.length)));
  writeFileSync(
    path.join(WORKSPACE, '.vscode', 'settings.json'),
    JSON.stringify({ 'adoSync.orgUrl': orgUrl, 'adoSync.project': PROJECT }, null, 2) + '\n',
  );
}

/** The CLI as a child process, asynchronously: the emulator answers from this process's event loop. */
function runAsync(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', ...options });
    child.once('close', (code) => resolve(code ?? 1));
  });
}

async function cliSteps(orgUrl: string): Promise<void> {
  const env = { ...process.env, AZDO_ORG_URL: orgUrl, AZDO_PROJECT: PROJECT, AZDO_PAT: PAT };
  const cli = (...args: string[]): Promise<number> => {
    console.log(`\n$ ado-sync ${args.join(' ')}`);
    return runAsync(process.execPath, [path.join(REPO, 'dist', 'cli.js'), ...args], { cwd: WORKSPACE, env });
  };
  must('ado-sync attach', await cli('attach', 'evidence/repro-steps.md', 'evidence/test-results.csv', 'evidence/server-trace.log', '--work-item', '4', '--comment', 'Evidence from the demo'));
  must('ado-sync attach (again: de-duplicated)', await cli('attach', 'evidence/repro-steps.md', '--work-item', '4'));
  must('ado-sync track', await cli('track', '3', '5'));
  must('ado-sync sync', await cli('sync'));
  must('ado-sync list', await cli('list', '4'));
  must('ado-sync history', await cli('history', '--limit', '5'));
}

/** The emulator on the asked port; a busy port says which and how to choose another. */
async function startDemoEmulator(port: number): Promise<RunningEmulator> {
  try {
    return await startEmulator({ port, pats: [PAT], seed: 'demo' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    throw new Error(`port ${port} is already in use (another demo or emulator still running?). Stop it, or choose another port: npm run demo -- --port ${port + 1} (0 = any free port).`);
  }
}

/** code-server with the extension copied in as the VSIX would install it; returns the URL to open. */
async function startVsCode(): Promise<{ serverUrl: string; url: string }> {
  say('installing code-server if needed (first time: ~3 minutes)');
  must('test/e2e/setup.sh', run('bash', ['test/e2e/setup.sh']));
  const root = path.join(DEMO_DIR, 'code-server');
  rmSync(root, { recursive: true, force: true });
  installUnpacked(REPO, codeServerDirs(root).extensionsDir);
  const server = await startCodeServer({ env: loadE2eEnv(), rootDir: root, workspace: WORKSPACE });
  return { serverUrl: server.url, url: `${server.url}/?folder=${encodeURIComponent(WORKSPACE)}` };
}

/**
 * What --exit-when-ready checks before exiting, in a browser on the demo's VS Code: the Work
 * Items view offers Connect, prefilled with the emulator's URL and the project, and the PAT connects.
 */
async function checkVsCode(serverUrl: string, orgUrl: string): Promise<void> {
  await checkDemoConnect({ chromium: loadE2eEnv().chromium, serverUrl, workspace: WORKSPACE, orgUrl, project: PROJECT, pat: PAT });
  say('checked: Connect opens prefilled with the emulator URL and the project, and the PAT connects');
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (!options) {
    process.stdout.write(USAGE);
    return;
  }
  installSignalHandlers();
  // The emulator runs from source here, so a busy port is said before the build.
  const emulator = await startDemoEmulator(options.port);
  onCleanup('stop the emulator', () => emulator.close());
  say('building');
  must('build', run('node', ['esbuild.mjs']));
  say(`emulator on ${emulator.baseUrl} (project ${PROJECT}, PAT ${PAT})`);

  prepareWorkspace(emulator.baseUrl);
  await cliSteps(emulator.baseUrl);
  console.log(`\nThe mirror folder is ${path.relative(REPO, path.join(WORKSPACE, '.ado-attachments'))}; the state database ${path.relative(REPO, path.join(WORKSPACE, '.ado-sync', 'state.sqlite'))}.`);

  if (options.once) return;
  if (options.ui || options.exitWhenReady) {
    const { serverUrl, url } = await startVsCode();
    say(`VS Code is at ${url}`);
    say(`open the "Azure DevOps Attachments" view in the activity bar: Connect comes prefilled with ${emulator.baseUrl} and ${PROJECT}; the PAT is ${PAT}`);
    if (options.exitWhenReady) return checkVsCode(serverUrl, emulator.baseUrl);
  }
  say('ready (Ctrl+C to stop)');
  await new Promise<never>(() => {});
}

main()
  .catch((error: unknown) => {
    console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
    if (error instanceof DemoUsageError) console.error(USAGE);
    process.exitCode = error instanceof DemoUsageError ? 2 : 1;
  })
  .finally(() => runCleanups());
