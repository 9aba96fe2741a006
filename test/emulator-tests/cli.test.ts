// The emulator CLI as a real child process (tsx runs test/emulator/main.ts).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { basic } from './client';

const MAIN = path.resolve(__dirname, '..', 'emulator', 'main.ts');
const TSX = ['--import', 'tsx'];

describe('emulator CLI', () => {
  it('prints the listening line, serves with the given PAT and fidelity flags, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [...TSX, MAIN, '--port', '0', '--pat', 'cli-pat', '--seed', 'empty', '--work-items', '3', '--api-version-max', '7.0', '--version-error', 'route', '--language', 'de', '--deployment', 'services', '--scatter-status', '400'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let seen = '';
        child.stdout.on('data', (d: Buffer) => {
          seen += d.toString();
          if (seen.includes('\n')) resolve(seen.trim());
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      const match = /^ADO emulator listening on (http:\/\/127\.0\.0\.1:\d+\/DefaultCollection)$/.exec(line);
      assert.ok(match, line);
      const reply = await fetch(`${match[1]}/_apis/wit/workitems?ids=1,2,3&api-version=7.0`, { headers: { Authorization: basic('cli-pat') } });
      assert.equal(((await reply.json()) as { count: number }).count, 3);
      const tooNew = await fetch(`${match[1]}/_apis/wit/workitems?ids=1&api-version=7.1`, { headers: { Authorization: basic('cli-pat') } });
      assert.match(((await tooNew.json()) as { message: string }).message, /^Die Anforderung entsprach der Route/);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('exits 2 with a clear message on invalid flags', () => {
    for (const args of [['--bogus'], ['--seed', 'full'], ['--port', 'abc'], ['--faults', 'boom@2'], ['--deployment', 'cloud'], ['--scatter-status', '503'], ['--version-error', 'x'], ['--language', 'fr']]) {
      const result = spawnSync(process.execPath, [...TSX, MAIN, ...args], { encoding: 'utf8' });
      assert.equal(result.status, 2, args.join(' '));
      assert.match(result.stderr, /ado-emulator: .+\nusage:/);
    }
  });
});
