import * as fs from 'node:fs';
import * as path from 'node:path';
import { freeBytes } from './atomicWrite';
import { StorePathError } from './errors';
import { formatBytes } from '../../shared/format';

const NOT_WRITABLE = new Set(['EROFS', 'EACCES', 'EPERM']);

/**
 * Checks before anything is locked or read that the database path can be used: a path under a
 * regular file, a folder where the file should be, or (for a writer) a read-only folder or file
 * are configuration errors, not a database to replace.
 */
export function checkDbPath(dbPath: string, readOnly: boolean): void {
  const dir = path.dirname(dbPath);
  if (!readOnly) {
    attempt(dbPath, () => makeFolder(dir), (code) => (code === 'ENOTDIR' || code === 'EEXIST'
      ? `${firstFileIn(dir) ?? 'a part of its folder path'} is a file, not a folder`
      : `its folder ${dir} cannot be created`));
  }
  const info = attempt(dbPath, () => statOrUndefined(dbPath), (code) => (code === 'ENOTDIR'
    ? `${firstFileIn(dir) ?? 'a part of its folder path'} is a file, not a folder`
    : 'it cannot be read'));
  if (info?.isDirectory()) throw new StorePathError(dbPath, 'EISDIR', 'it is a folder, not a file');
  if (readOnly) return;
  attempt(dbPath, () => fs.accessSync(dir, fs.constants.W_OK), () => `its folder ${dir} is not writable`);
  if (info) attempt(dbPath, () => fs.accessSync(dbPath, fs.constants.R_OK | fs.constants.W_OK), () => 'the file is read-only');
}

/** mkdir -p; Node reports a read-only parent as ENOENT, so the nearest existing folder is asked why. */
function makeFolder(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    let existing = path.dirname(dir);
    while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
    fs.accessSync(existing, fs.constants.W_OK);
    throw e;
  }
}

function statOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Runs a file system step; an errno it raises becomes a StorePathError saying what is wrong. */
function attempt<T>(dbPath: string, step: () => T, problem: (code: string) => string): T {
  try {
    return step();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (!code || !(NOT_WRITABLE.has(code) || code === 'ENOTDIR' || code === 'EEXIST')) throw e;
    throw new StorePathError(dbPath, code, problem(code));
  }
}

/** The regular file that stands where a folder of the path should be, for the message. */
function firstFileIn(dir: string): string | undefined {
  let p = path.resolve(dir);
  const chain: string[] = [];
  while (path.dirname(p) !== p) { chain.unshift(p); p = path.dirname(p); }
  return chain.find((c) => {
    try { return fs.statSync(c).isFile(); } catch { return false; }
  });
}

/** The lock file could not be written (a full disk, an I/O error): the path cannot be used now. */
export function lockWriteProblem(dbPath: string, lockPath: string, e: unknown): StorePathError | undefined {
  const code = (e as NodeJS.ErrnoException).code;
  if (code !== 'ENOSPC' && code !== 'EDQUOT' && code !== 'EIO') return undefined;
  const free = freeBytes(dbPath);
  return new StorePathError(dbPath, code, `its lock file ${lockPath} cannot be written${free === undefined ? '' : ` (${formatBytes(free)} free on its file system)`}`);
}
