import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StoreLockedError } from '../../src/core/store';
import { TempStores } from './helpers';

const fixture = (name: string): string => path.join(__dirname, 'fixtures', name);

/** A real child process running a TypeScript fixture through tsx; resolves lines as they come. */
class Child {
  readonly proc: ChildProcess;
  private buf = '';
  private readonly lines: string[] = [];
  private waiters: Array<() => void> = [];
  readonly exited: Promise<number | null>;

  constructor(script: string, args: string[]) {
    this.proc = spawn(process.execPath, ['--import', 'tsx', fixture(script), ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.proc.stdout!.on('data', (d: Buffer) => {
      this.buf += d.toString();
      const parts = this.buf.split('\n');
      this.buf = parts.pop()!;
      this.lines.push(...parts);
      for (const w of this.waiters.splice(0)) w();
    });
    this.exited = new Promise((r) => this.proc.on('exit', (code) => r(code)));
  }

  get output(): readonly string[] { return this.lines; }

  async waitFor(re: RegExp, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.lines.find((l) => re.test(l));
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${re}; got ${JSON.stringify(this.lines.slice(-5))}`);
      await new Promise<void>((r) => { this.waiters.push(r); setTimeout(r, 100); });
    }
  }

  kill(): void {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
  }
}

describe('store: real processes', function () {
  this.timeout(40_000);
  let t: TempStores;
  const children: Child[] = [];
  const child = (script: string, ...args: string[]): Child => { const c = new Child(script, args); children.push(c); return c; };
  beforeEach(() => { t = new TempStores(); });
  afterEach(async () => {
    for (const c of children.splice(0)) { c.kill(); await c.exited; }
    t.cleanup();
  });

  it('a second opener (this process, and another process) is refused with the holder pid', async () => {
    const holder = child('holdStore.ts', t.dbPath());
    await holder.waitFor(/^ready/);
    await assert.rejects(t.open(), (e: unknown) => e instanceof StoreLockedError && e.pid === holder.proc.pid);
    const second = child('holdStore.ts', t.dbPath());
    assert.equal(await second.exited, 3);
    assert.ok(second.output.includes(`locked ${holder.proc.pid}`), second.output.join('|'));
    holder.proc.stdin!.end();
    assert.equal(await holder.exited, 0);
    assert.equal(fs.existsSync(`${t.dbPath()}.lock`), false);
    const s = await t.open();
    assert.equal(s.readOnly, false);
  });

  it('a lock left by a killed process is taken over and logged', async () => {
    const holder = child('holdStore.ts', t.dbPath());
    await holder.waitFor(/^ready/);
    holder.kill();
    await holder.exited;
    assert.ok(fs.existsSync(`${t.dbPath()}.lock`), 'SIGKILL leaves the lock behind');
    const s = await t.open();
    assert.ok(t.logs.some((l) => l.includes('stale') && l.includes(`pid ${holder.proc.pid} is not running`)), t.logs.join('|'));
    const lock = JSON.parse(fs.readFileSync(`${t.dbPath()}.lock`, 'utf8')) as { pid: number };
    assert.equal(lock.pid, process.pid);
    s.close();
  });

  it('a lock from another host is honoured while fresh and taken over once older than lockStaleMs', async () => {
    const lockPath = `${t.dbPath()}.lock`;
    fs.writeFileSync(lockPath, JSON.stringify({ pid: 1, host: 'some-other-host', startedAt: new Date().toISOString() }));
    await assert.rejects(t.open({ lockStaleMs: 60_000 }), StoreLockedError);
    const old = new Date(Date.now() - 120_000);
    fs.utimesSync(lockPath, old, old);
    const s = await t.open({ lockStaleMs: 60_000 });
    assert.ok(t.logs.some((l) => l.includes('not refreshed')));
    s.close();
  });

  it('the holder refreshes the lock mtime (heartbeat), so a long-lived holder is never stale', async () => {
    const s = await t.open({ lockStaleMs: 3000 });
    const lockPath = `${t.dbPath()}.lock`;
    const old = new Date(Date.now() - 10_000);
    fs.utimesSync(lockPath, old, old);
    await new Promise((r) => setTimeout(r, 1300));
    assert.ok(Date.now() - fs.statSync(lockPath).mtimeMs < 1500);
    s.close();
  });

  it('SIGKILL at random moments during flushes always leaves the previous good file', async () => {
    for (let round = 0; round < 4; round++) {
      const writer = child('flushLoop.ts', t.dbPath(), '4000');
      await writer.waitFor(/^flushed/);
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 400));
      writer.kill();
      await writer.exited;
      const reported = writer.output.filter((l) => l.startsWith('flushed')).map((l) => Number(l.split(' ')[1]));
      const last = Math.max(...reported);
      const s = await t.open();
      assert.equal(s.recovered, undefined, `round ${round}: file is a valid database`);
      const runs = s.history.count();
      // The kill may land after a rename but before the line was written: one more run is fine.
      assert.ok(runs === last || runs === last + 1, `round ${round}: ${runs} runs on disk, last reported ${last}`);
      const itemCounts = new Set(s.history.page({}, 1000).rows.map((r) => s.history.items(r.id, 5000).length));
      assert.deepEqual([...itemCounts], [4000], 'every persisted run is complete');
      s.close();
    }
  });
});
