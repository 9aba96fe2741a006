import * as fs from 'node:fs';
import * as path from 'node:path';

/** Write to `<target>.tmp-<pid>`, fsync, rename over target, fsync the directory. */
export function writeFileAtomic(target: string, data: Uint8Array): void {
  const tmp = `${target}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, target);
  const dir = fs.openSync(path.dirname(target), 'r');
  try {
    fs.fsyncSync(dir);
  } finally {
    fs.closeSync(dir);
  }
}
