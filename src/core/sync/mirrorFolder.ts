import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256OfFile } from '../ado';

/** One file in the mirror folder, laid out `<workItemId>/<file name>`. */
export interface MirrorFile {
  workItemId: number;
  fileName: string;
  path: string;
  sha256: string;
  size: number;
}

const WORK_ITEM_DIR = /^[1-9][0-9]*$/;

/** Hashes already known, by path: reused while a file's size and modification time are unchanged. */
export type HashCache = Map<string, { size: number; mtimeMs: number; sha256: string }>;

/**
 * Lists and hashes (streaming) every file of the mirror folder; a missing folder is empty. With a
 * cache, an unchanged file (same size and mtime) is not read again: a poll every few minutes over a
 * large mirror would otherwise re-read every byte.
 */
export async function scanMirrorFolder(root: string, workItemIds?: readonly number[], cache?: HashCache): Promise<MirrorFile[]> {
  const dirs = await readdir(root, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    throw e;
  });
  const wanted = workItemIds ? new Set(workItemIds) : undefined;
  const out: MirrorFile[] = [];
  for (const dir of dirs) {
    if (!dir.isDirectory() || !WORK_ITEM_DIR.test(dir.name)) continue;
    const workItemId = Number(dir.name);
    if (wanted && !wanted.has(workItemId)) continue;
    const entries = await readdir(join(root, dir.name), { withFileTypes: true });
    for (const f of entries) {
      // Our downloads stage outside the work item folders (.ado-sync-staging): every file here is the user's or a colleague's.
      if (!f.isFile()) continue;
      const path = join(root, dir.name, f.name);
      const { sha256, size } = await hashWithCache(path, cache);
      out.push({ workItemId, fileName: f.name, path, sha256, size });
    }
  }
  return out.sort((a, b) => a.workItemId - b.workItemId || a.fileName.localeCompare(b.fileName));
}

async function hashWithCache(path: string, cache?: HashCache): Promise<{ sha256: string; size: number }> {
  if (!cache) return sha256OfFile(path);
  const info = await stat(path);
  const known = cache.get(path);
  if (known && known.size === info.size && known.mtimeMs === info.mtimeMs) return known;
  const hashed = await sha256OfFile(path);
  cache.set(path, { size: hashed.size, mtimeMs: info.mtimeMs, sha256: hashed.sha256 });
  return hashed;
}
