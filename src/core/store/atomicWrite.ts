import * as fs from 'node:fs';
import * as path from 'node:path';

/** The temp file writeFileAtomic uses for target in this process. */
export function tempPathFor(target: string): string {
  return `${target}.tmp-${process.pid}`;
}

/**
 * Write to `<target>.tmp-<pid>`, fsync, rename over target, fsync the directory. Any failure
 * before the rename (a short write ending in ENOSPC, EIO, a failed fsync or close) removes the
 * temp file and throws: the target keeps its old content.
 */
export function writeFileAtomic(target: string, data: Uint8Array): void {
  const tmp = tempPathFor(target);
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      writeAll(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  const dir = fs.openSync(path.dirname(target), 'r');
  try {
    fs.fsyncSync(dir);
  } finally {
    fs.closeSync(dir);
  }
}

/** write(2) may write less than asked (a nearly full disk): go on until all is written or it fails. */
function writeAll(fd: number, data: Uint8Array): void {
  let offset = 0;
  while (offset < data.length) {
    const n = fs.writeSync(fd, data, offset, data.length - offset);
    if (n <= 0) throw Object.assign(new Error(`write returned ${n} at byte ${offset} of ${data.length}`), { code: 'EIO' });
    offset += n;
  }
}

/**
 * Temp files of earlier writers that died mid-write (`<db>.tmp-<pid>`, `<db>.tracked.json.tmp-<pid>`);
 * only the lock holder may remove them. Returns their names.
 */
export function removeStaleTempFiles(target: string): string[] {
  const dir = path.dirname(target);
  const base = path.basename(target).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const temp = new RegExp(`^${base}(\\.tracked\\.json)?\\.tmp-\\d+$`);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed = names.filter((n) => temp.test(n));
  for (const n of removed) fs.rmSync(path.join(dir, n), { force: true });
  return removed;
}

/** Bytes available to this user on the file system holding p, if it can be told. */
export function freeBytes(p: string): number | undefined {
  try {
    const s = fs.statfsSync(path.dirname(p));
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}
