// The code-server process management (start on an OS-chosen port, readiness, timeouts with the
// log tail, stopping the whole process group) against a real child process that stands in for
// code-server: the real one is exercised by test/e2e/run.ts.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCleanups } from './cleanup';
import { CodeServerStartError, startCodeServer } from './codeServer';
import type { E2eEnv } from './e2eEnv';
import { StepTimeoutError } from './steps';

const standIn: E2eEnv = {
  node: process.execPath,
  binDir: path.dirname(process.execPath),
  codeServer: path.join(__dirname, 'fixtures', 'standInCodeServer.cjs'),
  codeServerVersion: 'stand-in',
  chromium: '',
};

/** A killed process whose parent died too may stay a zombie until init reaps it: that is dead. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return !/^\d+ \(.*\) Z/.test(stat);
}

describe('e2e: startCodeServer', () => {
  let root: string;
  const savedMode = process.env.STANDIN_MODE;

  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'ado-e2e-cs-test-'));
  });
  afterEach(async () => {
    await runCleanups();
    if (savedMode === undefined) delete process.env.STANDIN_MODE;
    else process.env.STANDIN_MODE = savedMode;
    rmSync(root, { recursive: true, force: true });
  });

  it('starts on a loopback port, answers, and stop() ends its process group', async () => {
    const pidFile = path.join(root, 'child.pid');
    const server = await startCodeServer({ env: standIn, rootDir: root, workspace: root, extraEnv: { STANDIN_CHILD_PID_FILE: pidFile } });
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    assert.match(server.logTail(), /--auth none --bind-addr 127\.0\.0\.1:0 .*--user-data-dir /);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    assert.equal(isAlive(grandchild), true);
    await server.stop();
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(isAlive(grandchild), false, 'a child of code-server outlived stop()');
    await assert.rejects(fetch(`${server.url}/healthz`));
  });

  it('fails with the tail of its log when it never becomes ready', async () => {
    process.env.STANDIN_MODE = 'silent';
    const error = await startCodeServer({ env: standIn, rootDir: root, workspace: root, readyTimeoutMs: 1_500 }).then(
      () => assert.fail('started'),
      (err: unknown) => err,
    );
    assert.ok(error instanceof StepTimeoutError, String(error));
    assert.match(error.message, /code-server ready: not done in 2 s/);
    assert.match(error.message, /stand-in code-server, args:/);
  });

  it('fails at once with its log when it exits', async () => {
    process.env.STANDIN_MODE = 'crash';
    const started = Date.now();
    await assert.rejects(startCodeServer({ env: standIn, rootDir: root, workspace: root }), (err: unknown) => {
      assert.ok(err instanceof CodeServerStartError);
      assert.match(err.message, /exited with 3/);
      assert.match(err.message, /crashing on purpose/);
      return true;
    });
    assert.ok(Date.now() - started < 10_000);
  });
});
