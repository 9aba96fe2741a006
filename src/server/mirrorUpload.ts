// Where an API upload's bytes live: in the work item's mirror folder, as if the file had been put
// there and attached, so that the record's path holds the bytes and the next sync has nothing to
// do. The body is written first into this process's staging folder (same volume, never read by the
// mirror scan, cleared when the engine starts); chooseMirrorName() then picks a name the sync core's
// rules allow (sanitized, numbered beside a different file of that name), and the engine moves the
// bytes there once their request is written, without ever replacing a file.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { sha256OfFile } from '../core/ado';
import { stagingDir } from '../core/sync/inbound';
import { allocateName, nameKey, sanitizeFileName } from '../core/sync/localFileName';

/** An upload written to a folder of its own in staging; `discard()` removes it. */
export interface StagedUpload<T = unknown> {
  path: string;
  /** What the writer answered (a multipart body's fields). */
  written: T;
  discard(): Promise<void>;
}

/** Where an upload goes in the mirror folder: a free name, or (`existing`) the same file already there under its name. */
export interface MirrorName {
  path: string;
  existing: boolean;
}

/** A name taken by others between our look and our move, this many times in a row, is a fault, not a race. */
export const PLACE_ATTEMPTS = 20;

/**
 * Writes the upload (through `write`) into a folder of its own in staging; nothing stays if writing
 * fails. The name is given later (a multipart form may send its fileName field after the file).
 */
export async function stageUpload<T>(mirrorRoot: string, write: (file: string) => Promise<T>): Promise<StagedUpload<T>> {
  const dir = path.join(stagingDir(mirrorRoot), `upload-${randomBytes(8).toString('hex')}`);
  await mkdir(dir, { recursive: true });
  const discard = () => rm(dir, { recursive: true, force: true });
  const file = path.join(dir, 'upload');
  try {
    return { path: file, written: await write(file), discard };
  } catch (error) {
    await discard();
    throw error;
  }
}

/** The staged file under its (sanitized) name, still in staging: for an upload that is sent but kept nowhere. */
export async function nameStaged(staged: StagedUpload, fileName: string): Promise<string> {
  const named = path.join(path.dirname(staged.path), sanitizeFileName(fileName));
  await rename(staged.path, named);
  return named;
}

async function sameContent(a: string, b: string): Promise<boolean> {
  const [sa, sb] = await Promise.all([stat(a), stat(b)]);
  if (!sa.isFile() || sa.size !== sb.size) return false;
  const [ha, hb] = await Promise.all([sha256OfFile(a), sha256OfFile(b)]);
  return ha.sha256 === hb.sha256;
}

/**
 * Where the staged upload goes in `<mirrorRoot>/<workItemId>/`, as `fileName` sanitized. A file of
 * that name (by the core's name identity: case and Unicode form folded) with the same bytes is the
 * upload already there: `existing`. Otherwise the first name of `name`, `name (2)`, ... free of
 * files on disk and of `reserved` names (paths our records still point at). Nothing is moved: the
 * engine moves the bytes once their request is written, and a name taken meanwhile is refused
 * there (NameTakenError); then ask again.
 */
export async function chooseMirrorName(mirrorRoot: string, workItemId: number, staged: StagedUpload, fileName: string, reserved: Iterable<string>): Promise<MirrorName> {
  const dir = path.join(mirrorRoot, String(workItemId));
  const safe = sanitizeFileName(fileName);
  await mkdir(dir, { recursive: true });
  const names = await readdir(dir);
  const holder = names.find((n) => nameKey(n) === nameKey(safe));
  if (holder && (await sameContent(path.join(dir, holder), staged.path))) return { path: path.join(dir, holder), existing: true };
  return { path: path.join(dir, allocateName(safe, new Set([...names, ...reserved].map(nameKey)))), existing: false };
}
