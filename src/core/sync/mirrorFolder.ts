import { readdir } from 'node:fs/promises';
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
/** Our own in-flight downloads (temp + rename) are not user files. */
const TEMP_NAME = /\.(part|tmp)$/i;

/** Lists and hashes (streaming) every file of the mirror folder; a missing folder is empty. */
export async function scanMirrorFolder(root: string, workItemIds?: readonly number[]): Promise<MirrorFile[]> {
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
      if (!f.isFile() || TEMP_NAME.test(f.name)) continue;
      const path = join(root, dir.name, f.name);
      const { sha256, size } = await sha256OfFile(path);
      out.push({ workItemId, fileName: f.name, path, sha256, size });
    }
  }
  return out.sort((a, b) => a.workItemId - b.workItemId || a.fileName.localeCompare(b.fileName));
}
