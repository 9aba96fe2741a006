// Where an API upload's bytes live: in the work item's mirror folder, as if the file had been put
// there and attached, so that the record's path holds the bytes and the next sync has nothing to
// do. The body is written first into the mirror's staging folder (same volume, never read by the
// mirror scan, cleared when the engine starts), then moved to a name the sync core's rules allow
// (sanitized, numbered beside a different file of that name) without ever replacing a file.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { sha256OfFile } from '../core/ado';
import { moveNoReplace, NameTakenError, stagingDir } from '../core/sync/inbound';
import { allocateName, nameKey, sanitizeFileName } from '../core/sync/localFileName';

/** An upload written to a folder of its own in staging; `discard()` removes it. */
export interface StagedUpload<T = unknown> {
  path: string;
  /** What the writer answered (a multipart body's fields). */
  written: T;
  discard(): Promise<void>;
}

/** A staged upload moved into the mirror folder; `created` is false when an identical file there was taken instead. */
export interface PlacedUpload {
  path: string;
  created: boolean;
}

/** A name taken by others between our look and our move, this many times in a row, is a fault, not a race. */
const PLACE_ATTEMPTS = 20;

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
 * Moves the staged upload into `<mirrorRoot>/<workItemId>/` as `fileName`, sanitized. A file of that name (by the core's
 * name identity: case and Unicode form folded) with the same bytes is the upload already there:
 * it is used and the staged copy dropped. Otherwise the first free name of `name`, `name (2)`, ...
 * is taken, free of files on disk and of `reserved` names (paths our records still point at).
 * The staged copy is gone afterwards, whether or not the move succeeded.
 */
export async function placeInMirror(mirrorRoot: string, workItemId: number, staged: StagedUpload, fileName: string, reserved: Iterable<string>): Promise<PlacedUpload> {
  const dir = path.join(mirrorRoot, String(workItemId));
  const safe = sanitizeFileName(fileName);
  try {
    await mkdir(dir, { recursive: true });
    for (let attempt = 0; attempt < PLACE_ATTEMPTS; attempt++) {
      const names = await readdir(dir);
      const holder = names.find((n) => nameKey(n) === nameKey(safe));
      if (holder && (await sameContent(path.join(dir, holder), staged.path))) return { path: path.join(dir, holder), created: false };
      const target = path.join(dir, allocateName(safe, new Set([...names, ...reserved].map(nameKey))));
      try {
        await moveNoReplace(staged.path, target);
        return { path: target, created: true };
      } catch (error) {
        if (!(error instanceof NameTakenError)) throw error;
      }
    }
    throw new Error(`could not find a free name for ${safe} in ${dir}: names kept being taken while the upload was placed`);
  } finally {
    await staged.discard();
  }
}
