// How `ado-sync token` reaches a running `ado-sync serve`. On sql.js the server holds the database
// (one writer, with a lock file) and keeps it in memory, so no other process may write tokens to
// it: a token written behind its back would not be seen, and its next save would drop it. Instead
// the server writes `<database>.serve` (its URL and a random admin key, readable by its user only)
// and creates or revokes tokens itself when given that key. Whoever can read that file can read
// the database beside it, so the key opens nothing that file access did not already.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { pidAlive } from '../core/pidAlive';

export interface ServeControl {
  pid: number;
  /** The API's base URL, reachable from this machine. */
  url: string;
  key: string;
}

export function controlFilePath(dbPath: string): string {
  return `${dbPath}.serve`;
}

export function newAdminKey(): string {
  return `adsk_${randomBytes(32).toString('base64url')}`;
}

/** The base URL a client on this machine uses for a server bound to `host`. */
export function localBaseUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

/** Writes the control file (owner-only); the returned function removes it, if it is still ours. */
export async function publishControl(dbPath: string, control: ServeControl): Promise<() => Promise<void>> {
  const file = controlFilePath(dbPath);
  // One left by a killed server is stale (we hold the database now): replaced, never merged.
  await rm(file, { force: true });
  await writeFile(file, JSON.stringify(control), { mode: 0o600, flag: 'wx' });
  return async () => {
    if ((await readControlFile(file))?.key === control.key) await rm(file, { force: true });
  };
}

async function readControlFile(file: string): Promise<ServeControl | undefined> {
  try {
    const v = JSON.parse(await readFile(file, 'utf8')) as Partial<ServeControl>;
    return typeof v.pid === 'number' && typeof v.url === 'string' && typeof v.key === 'string' ? { pid: v.pid, url: v.url, key: v.key } : undefined;
  } catch {
    return undefined;
  }
}

/** The running server of this database, when its control file names a live process. */
export async function runningServe(dbPath: string): Promise<ServeControl | undefined> {
  const control = await readControlFile(controlFilePath(dbPath));
  return control && pidAlive(control.pid) ? control : undefined;
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** The bearer token sent is this admin key (compared in constant time). */
export function isAdminKey(sent: string | undefined, key: string | undefined): boolean {
  return key !== undefined && sent !== undefined && timingSafeEqual(digest(sent), digest(key));
}
