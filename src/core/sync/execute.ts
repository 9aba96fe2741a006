// Execute: carries out one work item's plan. Transfers run through the coordinator's shared
// limiter (N at once across all items); the files uploaded for the item are linked in one JSON-Patch
// request at the end (ADO makes one revision of it). Nothing here writes the store: every change of
// our records is returned as an effect for commit to apply in one transaction, with the outcomes.
import path from 'node:path';
import type { AdoClient, AuthenticationError, LinkSpec, WorkItem } from '../ado';
import type { SyncSettings } from '../settings';
import type { SyncDbRepositories } from '../store/syncDb';
import { commentWithMarker } from './contentMarker';
import type { ItemOutcome } from './engineApi';
import { downloadToStaging, moveNoReplace, placeStaged, type DownloadContext } from './inbound';
import { classifyFailure, toItemError } from './itemError';
import type { Limiter } from './limiter';
import { uploadContent, type UploadContext, type Uploaded } from './outbound';
import type { PlannedAction } from './planner';
import { recordEffects, type Effect } from './recordEffects';
import type { UploadJournal } from './uploadJournal';

export interface ExecuteContext {
  client: AdoClient;
  store: SyncDbRepositories;
  settings: SyncSettings;
  mirrorRoot: string;
  journal: UploadJournal;
  collectionUrl: string;
  transfers: Limiter;
  now: () => Date;
  signal?: AbortSignal;
  onProgress?: (fileName: string, direction: 'outbound' | 'inbound', bytes: number, total: number) => void;
  log: (level: 'info' | 'warn', message: string) => void;
  /** The work item as planned (its rev and relations): the link needs no read of its own. */
  workItem?: WorkItem;
}

export interface ItemResult {
  outcomes: ItemOutcome[];
  effects: Effect[];
  /** Failures a later try can mend: the item stays dirty, with backoff. */
  retry: { message: string; code?: string; retryAfterMs?: number }[];
  /** Credentials were refused: every item waits until the user signs in again. */
  authFailed?: AuthenticationError;
}

type Of<K extends PlannedAction['kind']> = Extract<PlannedAction, { kind: K }>;

export async function executePlan(ctx: ExecuteContext, workItemId: number, actions: readonly PlannedAction[]): Promise<ItemResult> {
  const result: ItemResult = { outcomes: [], effects: [], retry: [] };
  const fx = recordEffects(workItemId);
  const fail = (action: { fileName: string; path?: string; localPath?: string; sha256?: string; size?: number; attachmentId?: string; pendingRecordId?: number },
    direction: 'outbound' | 'inbound', error: unknown): void => {
    const kind = classifyFailure(error, ctx.signal);
    const itemError = toItemError(error);
    const localPath = action.path ?? action.localPath;
    result.outcomes.push({ workItemId, fileName: action.fileName, direction, status: kind === 'cancelled' ? 'cancelled' : 'failed', localPath,
      sha256: action.sha256, size: action.size, attachmentId: action.attachmentId, error: itemError });
    if (kind === 'auth') result.authFailed = error as AuthenticationError;
    if (kind === 'transient') result.retry.push({ message: itemError.message, code: itemError.code, retryAfterMs: retryAfterOf(error) });
    if (direction === 'outbound' && action.sha256 && localPath && kind !== 'auth') {
      result.effects.push(fx.uploadFailed({ fileName: action.fileName, localPath, sha256: action.sha256, size: action.size ?? 0, pendingRecordId: action.pendingRecordId },
        itemError.message, kind === 'permanent' ? 'permanent' : 'transient', kind === 'cancelled'));
    }
  };

  for (const a of actions) {
    if (a.kind === 'adopt') result.effects.push(fx.adopt(a));
    else if (a.kind === 'markRemoteRemoved') {
      result.effects.push(fx.remoteRemoved(a.recordId));
      result.outcomes.push({ workItemId, fileName: a.fileName, direction: 'inbound', status: 'remote_removed', attachmentId: a.attachmentId });
    } else if (a.kind === 'markLocalDeleted') {
      result.effects.push(fx.localDeleted(a.recordId));
      result.outcomes.push({ workItemId, fileName: a.fileName, direction: 'inbound', status: 'deleted_locally', localPath: a.localPath });
    } else if (a.kind === 'keepRemoteOnly') {
      result.effects.push(fx.keptRemoteOnly(a));
      result.outcomes.push({ workItemId, fileName: a.fileName, direction: 'inbound', status: 'conflict', localPath: a.localPath, attachmentId: a.attachmentId, attachmentUrl: a.attachmentUrl, sha256: a.sha256, size: a.size });
    } else if (a.kind === 'duplicate') {
      result.effects.push(fx.duplicate(a));
      result.outcomes.push({ workItemId, fileName: a.fileName, direction: 'outbound', status: 'duplicate', localPath: a.localPath, sha256: a.sha256, attachmentId: a.attachmentId, attachmentUrl: a.attachmentUrl });
    } else if (a.kind === 'refuse') {
      fail(a, 'outbound', Object.assign(new Error(a.message), { name: 'PreflightError', code: a.code }));
    }
  }

  const inbound = actions.filter((a): a is Of<'download'> | Of<'verify'> => a.kind === 'download' || a.kind === 'verify')
    .map((a) => ctx.transfers.run(() => receive(ctx, workItemId, a, fx, result)).catch((error) => fail(a, 'inbound', error)));
  const uploads = actions.filter((a): a is Of<'upload'> => a.kind === 'upload');
  const sent = await Promise.all(uploads.map((a) => ctx.transfers.run(() => send(ctx, workItemId, a)).catch((error) => {
    fail(a, 'outbound', error);
    return undefined;
  })));
  await Promise.all(inbound);
  const ready = uploads.map((a, i) => ({ action: a, uploaded: sent[i] })).filter((u): u is { action: Of<'upload'>; uploaded: Uploaded } => u.uploaded !== undefined);
  if (ready.length > 0 && !result.authFailed) await link(ctx, workItemId, ready, fx, result, fail);
  return result;
}

async function send(ctx: ExecuteContext, workItemId: number, a: Of<'upload'>): Promise<Uploaded> {
  const upload: UploadContext = {
    client: ctx.client, store: ctx.store, settings: ctx.settings, journal: ctx.journal, collectionUrl: ctx.collectionUrl, now: ctx.now, signal: ctx.signal,
    onProgress: (bytes, total) => ctx.onProgress?.(a.fileName, 'outbound', bytes, total),
  };
  return uploadContent(upload, workItemId, { path: a.path, fileName: a.fileName, sha256: a.sha256, size: a.size });
}

type Fail = (action: Of<'upload'>, direction: 'outbound', error: unknown) => void;

/** One PATCH for every file of the item; a refused re-link of reused content starts a fresh upload next time. */
async function link(ctx: ExecuteContext, workItemId: number, ready: { action: Of<'upload'>; uploaded: Uploaded }[],
  fx: ReturnType<typeof recordEffects>, result: ItemResult, fail: Fail): Promise<void> {
  const specs: LinkSpec[] = ready.map(({ action, uploaded }) => ({
    url: uploaded.url, comment: commentWithMarker(action.comment, action.sha256), name: action.fileName, resourceSize: action.size,
  }));
  let answer;
  try {
    answer = await ctx.client.linkAttachments(workItemId, specs, { signal: ctx.signal, current: ctx.workItem });
  } catch (error) {
    for (const { action } of ready) fail(action, 'outbound', error);
    return;
  }
  const superseded = new Map<string, string>();
  answer.results.forEach((r, i) => {
    const { action, uploaded } = ready[i];
    if (r.status === 'failed') {
      if (uploaded.reused) {
        // The attachment this content was uploaded to is gone or of another collection: upload it afresh next time.
        result.effects.push(fx.forgetUpload(ctx.collectionUrl, action.sha256));
        result.retry.push({ message: `re-linking ${action.fileName} was refused; it goes up again`, code: 'RelinkRefused' });
      }
      fail(action, 'outbound', r.error ?? new Error('the link was refused'));
      return;
    }
    result.effects.push(fx.uploaded(action, uploaded, ctx.collectionUrl));
    // 'alreadyLinked' after our own upload is our earlier try whose answer was lost: still this run's upload.
    const status = uploaded.reused ? 'linked' : 'uploaded';
    result.outcomes.push({ workItemId, fileName: action.fileName, direction: 'outbound', status, localPath: action.path, sha256: action.sha256, size: action.size,
      attachmentId: uploaded.attachmentId, attachmentUrl: uploaded.url });
    for (const old of action.supersedes) superseded.set(old.attachmentId, old.fileName);
  });
  for (const [attachmentId, fileName] of superseded) {
    try {
      await ctx.client.removeAttachmentRelation(workItemId, attachmentId, { signal: ctx.signal });
      result.effects.push(fx.removedByUser(attachmentId));
      result.outcomes.push({ workItemId, fileName, direction: 'outbound', status: 'removed', attachmentId });
    } catch (error) {
      result.outcomes.push({ workItemId, fileName, direction: 'outbound', status: 'failed', attachmentId, error: toItemError(error) });
    }
  }
}

async function receive(ctx: ExecuteContext, workItemId: number, a: Of<'download'> | Of<'verify'>, fx: ReturnType<typeof recordEffects>, result: ItemResult): Promise<void> {
  const download: DownloadContext = { client: ctx.client, mirrorRoot: ctx.mirrorRoot, signal: ctx.signal,
    onProgress: (bytes, total) => ctx.onProgress?.(a.fileName, 'inbound', bytes, total) };
  const staged = await downloadToStaging(download, { attachmentId: a.attachmentId, fileName: a.fileName, sha256: a.kind === 'download' ? a.sha256 : undefined, size: a.size });
  const base = { workItemId, direction: 'inbound' as const, attachmentId: a.attachmentId, attachmentUrl: a.attachmentUrl, sha256: staged.sha256, size: staged.size };
  if (a.kind === 'verify' && staged.sha256 === a.localSha256) {
    await staged.discard();
    result.effects.push(fx.adopt({ ...a, sha256: staged.sha256 }));
    result.outcomes.push({ ...base, fileName: path.basename(a.localPath), status: 'duplicate', localPath: a.localPath });
    return;
  }
  if (a.kind === 'verify' && a.claimedSha256) {
    ctx.log('warn', `Work item ${workItemId}: the marker of ${a.fileName} claims content it does not have; it is kept as a file of its own.`);
  }
  const record = { fileName: a.fileName, attachmentId: a.attachmentId, attachmentUrl: a.attachmentUrl, sha256: staged.sha256, size: staged.size };
  if (a.kind === 'verify' && a.differ.kind === 'keepRemoteOnly') {
    await staged.discard();
    result.effects.push(fx.keptRemoteOnly(record));
    result.outcomes.push({ ...base, fileName: a.fileName, status: 'conflict', localPath: a.localPath, size: undefined });
    return;
  }
  const moveAside = a.kind === 'download' ? a.moveAside : a.differ.kind === 'replaceLocal' ? { from: a.localPath, to: a.differ.moveAsideTo } : undefined;
  const target = a.kind === 'download' ? a.localPath : a.differ.kind === 'keepBeside' ? a.differ.path : a.localPath;
  if (moveAside) await moveNoReplace(moveAside.from, moveAside.to);
  try {
    await placeStaged(staged, target);
  } catch (error) {
    if (moveAside) await moveNoReplace(moveAside.to, moveAside.from).catch(() => undefined);
    throw error;
  }
  const conflict = a.kind === 'download' ? a.as === 'conflict' : a.differ.kind !== 'keepBeside' || a.differ.as === 'conflict';
  result.effects.push(fx.downloaded({ ...record, localPath: target }));
  result.outcomes.push({ ...base, fileName: path.basename(target), adoName: a.fileName, status: conflict ? 'conflict' : 'downloaded', localPath: target });
}

function retryAfterOf(error: unknown): number | undefined {
  const value = (error as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
  return typeof value === 'number' ? value : undefined;
}
