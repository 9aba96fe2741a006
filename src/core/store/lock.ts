import * as fs from 'node:fs';
import * as os from 'node:os';
import { StoreLockedError } from './errors';
import { pidAlive } from '../pidAlive';

export interface LockInfo { pid: number; host: string; startedAt: string }

/** Writer lock `<db>.lock` created with `wx`; stale locks (dead pid here, or too old) are taken over. */
export class StoreLock {
  private heartbeat?: NodeJS.Timeout;
  private constructor(readonly path: string) {}

  static acquire(lockPath: string, staleMs: number, log: (m: string) => void, now: () => Date): StoreLock {
    const info: LockInfo = { pid: process.pid, host: os.hostname(), startedAt: now().toISOString() };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        create(lockPath, JSON.stringify(info));
        const lock = new StoreLock(lockPath);
        lock.startHeartbeat(staleMs);
        return lock;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const held = readLock(lockPath);
        const reason = held ? staleReason(held, lockPath, staleMs) : 'unreadable lock file';
        if (!reason) throw new StoreLockedError(held!.pid, held!.host, lockPath);
        log(`Taking over stale store lock ${lockPath} (${reason})`);
        fs.rmSync(lockPath, { force: true });
      }
    }
    const held = readLock(lockPath);
    throw new StoreLockedError(held?.pid ?? -1, held?.host ?? 'unknown', lockPath);
  }

  /** Touching the mtime keeps "older than staleMs" safe for long-lived holders. */
  private startHeartbeat(staleMs: number): void {
    const every = Math.max(1000, Math.floor(staleMs / 3));
    this.heartbeat = setInterval(() => {
      const t = new Date();
      try { fs.utimesSync(this.path, t, t); } catch { /* lock removed under us: nothing to refresh */ }
    }, every);
    this.heartbeat.unref();
  }

  release(): void {
    clearInterval(this.heartbeat);
    const held = readLock(this.path);
    if (held && held.pid === process.pid && held.host === os.hostname()) fs.rmSync(this.path, { force: true });
  }
}

/** Creates the lock file; one left empty by a failed write (a full disk) is removed, as it is ours. */
function create(lockPath: string, content: string): void {
  const fd = fs.openSync(lockPath, 'wx');
  try {
    fs.writeFileSync(fd, content);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(lockPath, { force: true });
    throw e;
  }
  fs.closeSync(fd);
}

export function readLock(lockPath: string): LockInfo | undefined {
  try {
    const v = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as LockInfo;
    return typeof v.pid === 'number' ? v : undefined;
  } catch {
    return undefined;
  }
}

function staleReason(held: LockInfo, lockPath: string, staleMs: number): string | undefined {
  if (held.host === os.hostname() && !pidAlive(held.pid)) return `pid ${held.pid} is not running`;
  const age = Date.now() - fs.statSync(lockPath).mtimeMs;
  if (age > staleMs) return `not refreshed for ${Math.round(age / 1000)} s`;
  return undefined;
}
