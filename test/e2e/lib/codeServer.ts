// Starts code-server (a real VS Code workbench with a Node extension host) on a loopback port
// chosen by the OS, waits until it answers, and stops it with its whole process group.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { E2eEnv } from './e2eEnv';
import { killProcessGroup, onCleanup, trackProcessGroup } from './cleanup';
import { tailOf } from './logFile';
import { pollUntil } from './steps';

export interface CodeServerOptions {
  readonly env: E2eEnv;
  /** Holds user-data/, extensions/, xdg/ and code-server.log. */
  readonly rootDir: string;
  readonly workspace: string;
  /** Added to code-server's environment, which its extension host inherits. */
  readonly extraEnv?: Record<string, string>;
  readonly readyTimeoutMs?: number;
  /** Workspace trust on (off by default): a folder opens in Restricted Mode, an empty window is trusted. */
  readonly workspaceTrust?: boolean;
}

export interface CodeServer {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly logFile: string;
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

export class CodeServerStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CodeServerStartError';
  }
}

/** Settings that keep first-run pages, tips and update checks from covering the workbench. */
const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
};

export function codeServerDirs(rootDir: string): { userDataDir: string; extensionsDir: string } {
  return { userDataDir: path.join(rootDir, 'user-data'), extensionsDir: path.join(rootDir, 'extensions') };
}

function listeningUrl(logFile: string): string | undefined {
  const match = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(readFileSync(logFile, 'utf8'));
  return match?.[1];
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  } catch {
    return false;
  }
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const { env, rootDir, workspace } = options;
  const { userDataDir, extensionsDir } = codeServerDirs(rootDir);
  const xdgDir = path.join(rootDir, 'xdg');
  const logFile = path.join(rootDir, 'code-server.log');
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  mkdirSync(xdgDir, { recursive: true });
  const trust = options.workspaceTrust
    // No modal at startup: a folder simply opens in Restricted Mode until trusted.
    ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' }
    : {};
  writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...trust }, null, 2));

  const args = [
    env.codeServer,
    '--auth', 'none',
    '--bind-addr', '127.0.0.1:0',
    '--disable-telemetry',
    '--disable-update-check',
    ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    workspace,
  ];
  const log = openSync(logFile, 'a');
  const child = spawn(env.node, args, {
    cwd: rootDir,
    // Own process group: stop() kills code-server with its extension hosts and their children.
    detached: true,
    stdio: ['ignore', log, log],
    env: {
      ...process.env,
      ...options.extraEnv,
      PATH: `${env.binDir}${path.delimiter}${process.env.PATH ?? ''}`,
      // code-server writes its config.yaml there: keep it out of the user's home.
      XDG_CONFIG_HOME: xdgDir,
      XDG_DATA_HOME: xdgDir,
    },
  });
  closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new CodeServerStartError(`code-server did not start\n${tailOf(logFile)}`);
  const untrack = trackProcessGroup(pid);

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    killProcessGroup(pid, 'SIGTERM');
    if (!(await waitForExit(child, 5_000))) killProcessGroup(pid, 'SIGKILL');
    // The extension host may outlive the server by a moment: clear the group either way.
    killProcessGroup(pid, 'SIGKILL');
    untrack();
  };
  onCleanup('stop code-server', stop);

  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  const url = await pollUntil(
    'code-server ready',
    timeoutMs,
    async () => {
      if (child.exitCode !== null) throw new CodeServerStartError(`code-server exited with ${child.exitCode}\n${tailOf(logFile)}`);
      const candidate = listeningUrl(logFile);
      return candidate && (await answers(candidate)) ? candidate : undefined;
    },
    () => tailOf(logFile),
  );
  return { url, userDataDir, extensionsDir, logFile, logTail: (lines) => tailOf(logFile, lines), stop };
}
