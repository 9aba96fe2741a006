// Inbound: one new ADO attachment into the mirror folder (`<mirror>/<workItemId>/<file name>`).
// Downloads stream to a temp file, are checked (size, and SHA-256 when our marker names it), then
// renamed (the client does that). A different local file is never overwritten (DESIGN.md
// principle 4): it is kept, and the remote one lands beside it under a visible conflict name.
import { access, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { sha256OfFile, type AdoClient } from '../ado';
import type { SyncStore } from '../store';
import type { ItemOutcome } from './engineApi';
import { conflictFileName, numberedFileName, sanitizeFileName } from './localFileName';
import type { PlannedAction } from './planner';

export interface InboundContext {
  client: AdoClient;
  store: SyncStore;
  mirrorRoot: string;
  now: () => Date;
  signal?: AbortSignal;
  onProgress?: (bytes: number, total: number) => void;
}

type Incoming = Extract<PlannedAction, { kind: 'download' | 'conflict' }>;

export async function downloadAttachmentInto(ctx: InboundContext, action: Incoming): Promise<ItemOutcome> {
  if (action.kind === 'download' && action.verify) return verifyThenKeep(ctx, action, action.verify);
  if (action.kind === 'download' && action.moveAside) return replaceKeepingLocal(ctx, action, action.moveAside);
  const dir = path.join(ctx.mirrorRoot, String(action.workItemId));
  const safe = sanitizeFileName(action.fileName);
  const wanted = action.kind === 'conflict' ? conflictFileName(safe, 'ADO', ctx.now()) : safe;
  const dest = action.kind === 'download' && action.replaces ? action.replaces : await freeName(dir, wanted, action.kind === 'download', ctx.now());
  const result = await fetchTo(ctx, action, dest);
  remember(ctx.store, action, dest, result.sha256, result.size);
  return outcome(action, dest, result, action.kind === 'conflict' || path.basename(dest) !== safe ? 'conflict' : 'downloaded');
}

/**
 * A relation of unknown content whose name a local file holds (a colleague's file, or our database
 * was lost): download beside it, then keep it only if the content differs.
 */
async function verifyThenKeep(ctx: InboundContext, action: Incoming, localPath: string): Promise<ItemOutcome> {
  const temp = path.join(path.dirname(localPath), `.${path.basename(localPath)}.${Date.now()}.verify.part`);
  try {
    const result = await fetchTo(ctx, action, temp);
    const local = await sha256OfFile(localPath, ctx.signal);
    if (local.sha256 === result.sha256) {
      remember(ctx.store, action, localPath, result.sha256, result.size);
      return outcome(action, localPath, result, 'duplicate');
    }
    const dest = await freeName(path.dirname(localPath), conflictFileName(sanitizeFileName(action.fileName), 'ADO', ctx.now()), false, ctx.now());
    await rename(temp, dest);
    remember(ctx.store, action, dest, result.sha256, result.size);
    return outcome(action, dest, result, 'conflict');
  } finally {
    await rm(temp, { force: true });
  }
}

/** preferRemote: the local file moves to a conflict name, the remote one takes its place; moved back if the download fails. */
async function replaceKeepingLocal(ctx: InboundContext, action: Incoming, localPath: string): Promise<ItemOutcome> {
  const aside = await freeName(path.dirname(localPath), conflictFileName(path.basename(localPath), 'local', ctx.now()), false, ctx.now());
  await rename(localPath, aside);
  try {
    const result = await fetchTo(ctx, action, localPath);
    remember(ctx.store, action, localPath, result.sha256, result.size);
    return outcome(action, localPath, result, 'conflict');
  } catch (error) {
    await rename(aside, localPath).catch(() => undefined);
    throw error;
  }
}

function fetchTo(ctx: InboundContext, action: Incoming, dest: string) {
  return ctx.client.downloadAttachment(action.attachmentId, dest, {
    fileName: action.fileName,
    expectedSha256: action.sha256,
    expectedSize: action.size,
    signal: ctx.signal,
    onProgress: ctx.onProgress ? (p) => ctx.onProgress?.(p.transferred, p.total) : undefined,
  });
}

function outcome(action: Incoming, dest: string, result: { sha256: string; size: number }, status: ItemOutcome['status']): ItemOutcome {
  return {
    workItemId: action.workItemId, fileName: path.basename(dest), direction: 'inbound', status,
    localPath: dest, sha256: result.sha256, size: result.size, attachmentId: action.attachmentId, attachmentUrl: action.attachmentUrl,
  };
}

/** The name itself when free; else, for a plain download, a conflict name; then numbered variants. */
async function freeName(dir: string, name: string, plain: boolean, now: Date): Promise<string> {
  if (!(await exists(path.join(dir, name)))) return path.join(dir, name);
  const base = plain ? conflictFileName(name, 'ADO', now) : name;
  for (let n = plain ? 1 : 2; ; n++) {
    const candidate = n === 1 ? base : numberedFileName(base, n);
    if (!(await exists(path.join(dir, candidate)))) return path.join(dir, candidate);
  }
}

function remember(store: SyncStore, action: Incoming, localPath: string, sha256: string, size: number): void {
  const existing = store.attachments.forWorkItemAndGuid(action.workItemId, action.attachmentId);
  const row = existing ?? store.attachments.insert({
    workItemId: action.workItemId, fileName: path.basename(localPath), fileSize: size, source: 'ADO', localPath, sha256,
  });
  store.attachments.markSynced(row.id, { attachmentGuid: action.attachmentId, attachmentUrl: action.attachmentUrl, sha256 });
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(() => true, () => false);
}
