// Inbound: one ADO attachment into the mirror folder. Downloads stream into a staging folder on the
// same volume that the mirror scan never reads (`<mirror>/.ado-sync-staging`), are checked (size,
// and SHA-256 when we trust the expected content), then moved to the name the planner allocated
// without ever replacing a file (a hard link fails if the name exists: DESIGN.md principle 4). A
// download killed mid-way leaves only a staging file, removed at the next start. Each process has a
// folder of its own there: serve processes sharing a mirror folder never clear each other's.
import { randomBytes } from 'node:crypto';
import { constants, copyFile, link, mkdir, readdir, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import { type AdoClient, type DownloadResult } from '../ado';
import { pidAlive } from '../pidAlive';

export const STAGING_DIR = '.ado-sync-staging';

export interface DownloadContext {
  client: AdoClient;
  mirrorRoot: string;
  signal?: AbortSignal;
  onProgress?: (bytes: number, total: number) => void;
}

export interface Incoming {
  attachmentId: string;
  fileName: string;
  /** Trusted content only (our marker or record): a claim is never an expectation that fails the download. */
  sha256?: string;
  /** Trusted size only, likewise. */
  size?: number;
}

/** A downloaded file waiting in staging; `discard()` removes it. */
export interface Staged extends DownloadResult {
  discard(): Promise<void>;
}

/** This process's staging folder (`p<pid>`). */
export function stagingDir(mirrorRoot: string): string {
  return path.join(mirrorRoot, STAGING_DIR, `p${process.pid}`);
}

/**
 * Removes what killed processes left behind: every staging folder but those of other processes
 * still running (on one machine, several serve processes share the mirror folder).
 */
export async function clearStaging(mirrorRoot: string): Promise<void> {
  const root = path.join(mirrorRoot, STAGING_DIR);
  for (const name of await readdir(root).catch(() => [] as string[])) {
    const pid = Number(/^p(\d+)$/.exec(name)?.[1]);
    if (pid && pid !== process.pid && pidAlive(pid)) continue;
    await rm(path.join(root, name), { recursive: true, force: true });
  }
}

export async function downloadToStaging(ctx: DownloadContext, incoming: Incoming): Promise<Staged> {
  const dir = stagingDir(ctx.mirrorRoot);
  await mkdir(dir, { recursive: true });
  const temp = path.join(dir, `${incoming.attachmentId}-${randomBytes(6).toString('hex')}`);
  const result = await ctx.client.downloadAttachment(incoming.attachmentId, temp, {
    fileName: incoming.fileName,
    expectedSha256: incoming.sha256,
    expectedSize: incoming.sha256 ? incoming.size : undefined,
    signal: ctx.signal,
    onProgress: ctx.onProgress ? (p) => ctx.onProgress?.(p.transferred, p.total) : undefined,
  });
  return { ...result, discard: () => rm(temp, { force: true }) };
}

export class NameTakenError extends Error {
  constructor(readonly target: string) {
    super(`${target} appeared while the download ran; nothing was replaced, the next sync picks another name.`);
    this.name = 'NameTakenError';
  }
}

/** Moves a staged file to `target`, failing (NameTakenError) rather than replacing anything there. */
export async function placeStaged(staged: Staged, target: string): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  try {
    await moveNoReplace(staged.path, target);
  } finally {
    await staged.discard();
  }
}

/**
 * Moves a file without ever replacing one at `to`: a hard link fails when the name exists (rename
 * would replace it). File systems without hard links (FAT, some network shares) get an exclusive copy.
 */
export async function moveNoReplace(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new NameTakenError(to);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') throw error;
    await copyFile(from, to, constants.COPYFILE_EXCL).catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'EEXIST' ? new NameTakenError(to) : e;
    });
  }
  await unlink(from);
}
