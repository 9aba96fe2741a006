// `npm run demo`: the main job on the embedded default. Builds, starts the seeded local Azure
// DevOps emulator, prepares a demo workspace, runs a two-way sync with the CLI against it, then
// starts a real VS Code (code-server) with the extension installed and connected, and prints
// the URL to open. Ctrl+C stops everything.
//   --no-ui    stop after the CLI part and keep the emulator running (the F5 launch uses this)
//   --once     run the CLI part and exit (CI smoke test)
//   --port N   emulator port (default 8090; 0 = any free port)
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulator } from '../test/emulator/index';
import { startCodeServer } from '../test/e2e/lib/codeServer';
import { loadE2eEnv } from '../test/e2e/lib/e2eEnv';
import { codeServerDirs } from '../test/e2e/lib/codeServer';
import { installUnpacked } from '../test/e2e/lib/extensionInstall';
import { installSignalHandlers, onCleanup, runCleanups } from '../test/e2e/lib/cleanup';

const REPO = path.resolve(__dirname, '..');
const DEMO_DIR = path.join(REPO, '.demo');
const WORKSPACE = path.join(DEMO_DIR, 'workspace');
const PAT = 'test-pat';
const PROJECT = 'Demo';

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
    JSON.stringify({ 'adoSync.organizationUrl': orgUrl, 'adoSync.project': PROJECT }, null, 2) + '\n',
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

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'no-ui': { type: 'boolean' }, once: { type: 'boolean' }, port: { type: 'string', default: '8090' } } });
  installSignalHandlers();
  say('building');
  must('build', run('node', ['esbuild.mjs']));

  const emulator = await startEmulator({ port: Number(values.port), pats: [PAT], seed: 'demo' });
  onCleanup('stop the emulator', () => emulator.close());
  say(`emulator on ${emulator.baseUrl} (project ${PROJECT}, PAT ${PAT})`);

  prepareWorkspace(emulator.baseUrl);
  await cliSteps(emulator.baseUrl);
  console.log(`\nThe mirror folder is ${path.relative(REPO, path.join(WORKSPACE, '.ado-attachments'))}; the state database ${path.relative(REPO, path.join(WORKSPACE, '.ado-sync', 'state.sqlite'))}.`);

  if (values.once) return;
  if (!values['no-ui']) {
    say('installing code-server if needed (first time: ~3 minutes)');
    must('test/e2e/setup.sh', run('bash', ['test/e2e/setup.sh']));
    const root = path.join(DEMO_DIR, 'code-server');
    rmSync(root, { recursive: true, force: true });
    installUnpacked(REPO, codeServerDirs(root).extensionsDir);
    const server = await startCodeServer({ env: loadE2eEnv(), rootDir: root, workspace: WORKSPACE, extraEnv: { AZDO_PAT: PAT } });
    say(`VS Code is at ${server.url}/?folder=${encodeURIComponent(WORKSPACE)}`);
    say('open the "Azure DevOps Attachments" view in the activity bar; Connect uses the PAT above');
  }
  say('ready (Ctrl+C to stop)');
  await new Promise<never>(() => {});
}

main()
  .catch((error: unknown) => {
    console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  })
  .finally(() => runCleanups());
