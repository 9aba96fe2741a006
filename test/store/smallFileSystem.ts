// Real small file systems for the full-disk and read-only cases: a tmpfs of a given size mounted
// on a temp folder (tests run as root here, as in CI). Where mounting is impossible the caller
// skips with the reason instead of passing.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export class SmallFileSystem {
  private constructor(readonly dir: string) {}

  /** A tmpfs of sizeBytes on dir (created if needed), or the reason mounting is impossible. */
  static mount(dir: string, sizeBytes: number): SmallFileSystem | string {
    fs.mkdirSync(dir, { recursive: true });
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir], { stdio: 'pipe' });
      return new SmallFileSystem(dir);
    } catch (e) {
      const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
      return `mount -t tmpfs failed as uid ${os.userInfo().uid}: ${stderr || (e as Error).message}`;
    }
  }

  /** Fills the file system, then frees leaveBytes of it; returns the filler's path. */
  fill(leaveBytes: number, name = 'filler.bin'): string {
    const filler = path.join(this.dir, name);
    const fd = fs.openSync(filler, 'w');
    const chunk = Buffer.alloc(64 * 1024, 1);
    try {
      for (;;) {
        try {
          if (fs.writeSync(fd, chunk) < chunk.length) break;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw e;
        }
      }
      fs.ftruncateSync(fd, Math.max(0, fs.fstatSync(fd).size - leaveBytes));
    } finally {
      fs.closeSync(fd);
    }
    return filler;
  }

  free(): number {
    const s = fs.statfsSync(this.dir);
    return s.bavail * s.bsize;
  }

  /** Remounts read-only (true) or read-write (false). */
  setReadOnly(readOnly: boolean): void {
    execFileSync('mount', ['-o', `remount,${readOnly ? 'ro' : 'rw'}`, this.dir], { stdio: 'pipe' });
  }

  unmount(): void {
    execFileSync('umount', [this.dir], { stdio: 'pipe' });
  }
}

/**
 * An ext4 file system on a loop device whose image lives on a small tmpfs. Filling the tmpfs
 * makes the image unable to grow: write(2) into the page cache still succeeds, and the block
 * device's failure shows at fsync, as a failing disk's would.
 */
export class LoopFileSystem {
  private constructor(readonly dir: string, readonly backing: SmallFileSystem) {}

  static mount(root: string, backingBytes: number, imageBytes: number): LoopFileSystem | string {
    const backing = SmallFileSystem.mount(path.join(root, 'backing'), backingBytes);
    if (typeof backing === 'string') return backing;
    const dir = path.join(root, 'ext4');
    const image = path.join(backing.dir, 'disk.img');
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.closeSync(fs.openSync(image, 'w'));
      fs.truncateSync(image, imageBytes);
      execFileSync('mkfs.ext4', ['-q', '-F', image], { stdio: 'pipe' });
      execFileSync('mount', ['-o', 'loop', image, dir], { stdio: 'pipe' });
      return new LoopFileSystem(dir, backing);
    } catch (e) {
      backing.unmount();
      return `loop device with ext4 failed: ${(e as { stderr?: Buffer }).stderr?.toString().trim() || (e as Error).message}`;
    }
  }

  /** The image can no longer grow: every later write-back fails. */
  breakDevice(): void {
    this.backing.fill(0, 'backing-filler.bin');
  }

  unmount(): void {
    try { execFileSync('umount', [this.dir], { stdio: 'pipe' }); } finally { this.backing.unmount(); }
  }
}

/** Bind-mounts file (or folder) read-only onto itself; the returned function undoes it. */
export function bindReadOnly(target: string): (() => void) | string {
  try {
    execFileSync('mount', ['--bind', target, target], { stdio: 'pipe' });
  } catch (e) {
    return `mount --bind failed: ${(e as { stderr?: Buffer }).stderr?.toString().trim() || (e as Error).message}`;
  }
  try {
    execFileSync('mount', ['-o', 'remount,bind,ro', target], { stdio: 'pipe' });
  } catch (e) {
    execFileSync('umount', [target], { stdio: 'pipe' });
    return `remount,bind,ro failed: ${(e as { stderr?: Buffer }).stderr?.toString().trim() || (e as Error).message}`;
  }
  return () => execFileSync('umount', [target], { stdio: 'pipe' });
}

/** Mocha: skip the suite, saying why on stderr, when a mount was impossible. */
export function skipUnlessMounted<T>(ctx: Mocha.Context, result: T | string): T {
  if (typeof result === 'string') {
    process.stderr.write(`SKIPPED (needs a real small file system, mounting is impossible here): ${result}\n`);
    ctx.skip();
  }
  return result as T;
}
