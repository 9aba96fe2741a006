// The CLI as someone outside this repository gets it: `npm pack`, then `npm install -g` of the
// tarball into a temporary prefix (offline: the bundle needs no dependency), then `ado-sync` from
// that prefix's bin/, run in a folder outside the repository, against the emulator.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BUNDLED_CLI, CliFixture, spawnProcess } from './support';

const REPO = path.resolve(__dirname, '../..');

function npm(args: string[], cwd: string): string {
  const result = spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } });
  assert.equal(result.status, 0, `npm ${args.join(' ')}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

const runInstalled = (bin: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) => spawnProcess(bin, args, cwd, env);

describe('ado-sync installed from a packed tarball', function () {
  this.timeout(120_000);
  const f = new CliFixture();
  let temp: string;
  let bin: string;

  before(async () => {
    if (!existsSync(BUNDLED_CLI)) throw new Error('dist/cli.js is missing: run "npm run build" first');
    await f.start();
    temp = await mkdtemp(path.join(os.tmpdir(), 'ado-sync-pack-'));
    // --ignore-scripts: pack the build under test instead of rebuilding it (prepack builds for release).
    npm(['pack', '--ignore-scripts', '--pack-destination', temp], REPO);
    const tarball = (await readdir(temp)).find((name) => name.endsWith('.tgz'));
    assert.ok(tarball, 'npm pack wrote no tarball');
    npm(['install', '-g', '--offline', '--no-audit', '--no-fund', '--prefix', path.join(temp, 'prefix'), path.join(temp, tarball)], temp);
    bin = path.join(temp, 'prefix', 'bin', 'ado-sync');
  });
  after(async () => {
    await f.stop();
    if (temp) await rm(temp, { recursive: true, force: true });
  });

  it('puts ado-sync on the prefix\'s bin, and it runs', async () => {
    assert.ok(existsSync(bin), `${bin} is missing`);
    const version = await runInstalled(bin, ['--version'], temp, {});
    assert.equal(version.status, 0, version.stderr);
    assert.match(version.stdout.trim(), /^\d+\.\d+\.\d+$/);
  });

  it('works outside the repository: attach and list against the emulator, with its database in the working folder', async () => {
    const work = await mkdtemp(path.join(temp, 'work-'));
    await writeFile(path.join(work, 'log.txt'), 'installed from the tarball\n');
    const attach = await runInstalled(bin, ['attach', 'log.txt', '--work-item', '4'], work, f.env);
    assert.equal(attach.status, 0, attach.stderr);
    const list = await runInstalled(bin, ['list', '4', '--json'], work, f.env);
    assert.equal(list.status, 0, list.stderr);
    assert.ok(list.stdout.includes('log.txt'));
    assert.ok(existsSync(path.join(work, '.ado-sync', 'state.sqlite')));
  });
});
