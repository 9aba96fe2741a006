// The bundled CLI as a user runs it: a real process, its output and exit codes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const cli = path.resolve(__dirname, '../../dist/cli.js');

function run(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
}

describe('ado-sync process', () => {
  before(function () {
    if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run "npm run build" first');
  });

  it('prints usage with the exit codes and exits 0', () => {
    const result = run('help');
    assert.equal(result.status, 0);
    assert.match(result.stdout, /^ado-sync \d+\.\d+\.\d+/);
    assert.match(result.stdout, /Exit codes: 0 all good, 1 some item failed, 2 usage/);
    assert.match(result.stdout, /AZDO_PAT, never from a flag/);
  });

  it('prints the version', () => {
    const result = run('--version');
    assert.equal(result.status, 0);
    assert.match(result.stdout.trim(), /^\d+\.\d+\.\d+$/);
  });

  it('refuses an unknown command with exit 2 and a hint on stderr', () => {
    const result = run('frobnicate');
    assert.equal(result.status, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /unknown command "frobnicate". Run "ado-sync help"/);
  });
});
