// Several `ado-sync serve` processes (dist/cli.js; run `npm run build` first) for the team-server
// test and bench: the CLI as a process, a serve process on a free port, and a client that sends
// each upload to whichever server is up.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startPostgresOrSkip, type PostgresServer } from '../support/postgres';
import { freePort, waitFor, type ServeFixture } from '../webhook/support';

export const CLI = path.resolve(__dirname, '../../dist/cli.js');

/** What a team test set up, for its after(): the servers are killed, the fixture closed, PostgreSQL stopped. */
export interface Team { pg?: PostgresServer; fixture?: ServeFixture; servers: Server[] }

/** In a describe(): dist/cli.js checked and PostgreSQL started (or the suite skipped) before; everything ended after. */
export function teamOnPostgres(): Team {
  const team: Team = { servers: [] };
  before(async function () {
    if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run "npm run build" first');
    team.pg = await startPostgresOrSkip(this);
  });
  after(async () => {
    for (const s of team.servers) if (s.proc.exitCode === null) s.proc.kill('SIGKILL');
    await team.fixture?.close();
    await team.pg?.stop();
  });
  return team;
}

export interface Server { base: string; proc: ChildProcess; alive: boolean; err: string }
export interface Upload { name: string; workItemId: number; bytes: Buffer }

/** The CLI as a process; not spawnSync: the emulator in this process must keep answering. */
export async function cli(f: ServeFixture, args: string[]): Promise<string> {
  const proc = spawn(process.execPath, [CLI, ...args], { cwd: f.workspace, env: f.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout?.on('data', (c: Buffer) => { out += c.toString('utf8'); });
  proc.stderr?.on('data', (c: Buffer) => { err += c.toString('utf8'); });
  const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve));
  assert.equal(code, 0, `ado-sync ${args.join(' ')}: ${err}`);
  return out;
}

export async function startServe(f: ServeFixture): Promise<Server> {
  const port = await freePort();
  const proc = spawn(process.execPath, [CLI, 'serve', '--port', String(port)], { cwd: f.workspace, env: f.env, stdio: ['ignore', 'ignore', 'pipe'] });
  const server: Server = { base: `http://127.0.0.1:${port}`, proc, alive: true, err: '' };
  proc.stderr?.on('data', (c: Buffer) => { server.err += c.toString('utf8'); });
  await waitFor('serve answering', () => fetch(`${server.base}/api/health`).then((r) => r.ok, () => {
    if (proc.exitCode !== null) throw new Error(`serve exited ${proc.exitCode}: ${server.err}`);
    return false;
  }), 20_000);
  return server;
}

/**
 * A load balancer in a few lines: the next live server; a refused call, or one cut off by a server
 * that died, goes to another. No timeout: a request whose work item another process synced
 * meanwhile must still be answered (it once waited forever).
 */
export async function uploadAnywhere(servers: Server[], token: string, u: Upload, start: number): Promise<number> {
  const answers: string[] = [];
  for (let attempt = 0; attempt < 20; attempt++) {
    const live = servers.filter((s) => s.alive);
    const s = live[(start + attempt) % live.length];
    try {
      const res = await fetch(`${s.base}/api/sync/upload`, {
        method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ fileName: u.name, workItemId: u.workItemId, file: u.bytes.toString('base64') }),
      });
      const text = await res.text();
      if (res.status === 200) return attempt + 1;
      answers.push(`${s.base} ${res.status} ${text.slice(0, 300)}`);
    } catch (error) {
      // The server went away mid-call: another one takes it.
      answers.push(`${s.base} ${String(error)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${u.name} was not taken after 20 tries:\n${answers.join('\n')}`);
}
