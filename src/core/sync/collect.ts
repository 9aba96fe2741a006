// Gathers what the planner compares for one work item (reads only): its relations as ADO answered,
// the files of its mirror folder (hashed through the cache), the files the user asked to attach
// (pending records), our records and our own uploads.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { WorkItem } from '../ado';
import type { AttachmentRow } from '../store';
import type { SyncDbRepositories } from '../store/syncDb';
import type { HashCache } from './mirrorFolder';
import { scanMirrorFolder } from './mirrorFolder';
import type { KnownVersion, LocalFile, PlanOptions, WorkItemState } from './planner';
import { remoteAttachmentsOf } from './remoteAttachments';

export interface Collected {
  state: WorkItemState;
  /** Explicit attach requests whose file is gone: they fail without a plan. */
  missing: AttachmentRow[];
}

/**
 * `carryOut`: which attach requests (by file) this sync carries out; the others are left as they
 * are, their files too (their own run carries them out), as if not there.
 */
export async function collectWorkItem(item: WorkItem, store: SyncDbRepositories, mirrorRoot: string, hashes: HashCache, options: PlanOptions,
  carryOut: (localPath: string) => boolean = () => true): Promise<Collected> {
  const mirrorDir = path.join(mirrorRoot, String(item.id));
  // The folder first, then the records: a file put there with its request (an API upload: the
  // request is written, then the file moved in) is then always seen with that request.
  const mirror: LocalFile[] = (await scanMirrorFolder(mirrorRoot, [item.id], hashes)).map((f) => ({ fileName: f.fileName, path: f.path, sha256: f.sha256, size: f.size, inMirror: true }));
  const records = await store.attachments.forWorkItem(item.id, true);
  const requests = records.filter((r) => isExplicitRequest(r, mirrorDir));
  const others = new Set(requests.flatMap((r) => (carryOut(r.localPath as string) ? [] : [r.localPath as string])));
  const { present, missing } = await explicitRequests(requests.filter((r) => !others.has(r.localPath as string)));
  const explicitPaths = new Set([...present.map((f) => f.path), ...others]);
  const remote = remoteAttachmentsOf(item);
  const ownUploads = new Map<string, string>();
  for (const r of remote) {
    const sha = await store.dedup.contentOf(r.attachmentId);
    if (sha) ownUploads.set(r.attachmentId, sha);
  }
  return {
    state: {
      workItemId: item.id, mirrorDir, remote, ownUploads, options,
      local: [...mirror.filter((f) => !explicitPaths.has(f.path)), ...present],
      known: records.map(toKnown),
    },
    missing,
  };
}

/**
 * Attach requests not yet carried out: records of ours without a remote identity. A file the user
 * attached from the mirror folder itself is both; it is planned as the request.
 */
function isExplicitRequest(r: AttachmentRow, mirrorDir: string): boolean {
  if (r.source !== 'TOOL' || r.attachmentGuid !== null || r.deletedAt !== null || r.localPath === null) return false;
  // In the mirror folder only a fresh request counts (a failed mirror file is retried as a mirror file).
  if (path.dirname(r.localPath) === mirrorDir) return r.syncStatus === 'PENDING' || r.syncStatus === 'UPLOADING';
  return r.syncStatus === 'PENDING' || r.syncStatus === 'UPLOADING' || r.syncStatus === 'FAILED';
}

async function explicitRequests(requests: readonly AttachmentRow[]): Promise<{ present: LocalFile[]; missing: AttachmentRow[] }> {
  const present: LocalFile[] = [];
  const missing: AttachmentRow[] = [];
  for (const r of requests) {
    const info = await stat(r.localPath as string).catch(() => undefined);
    if (!info?.isFile() || r.sha256 === null) {
      missing.push(r);
      continue;
    }
    present.push({ fileName: r.fileName, path: r.localPath as string, sha256: r.sha256, size: r.fileSize, inMirror: false, explicit: true,
      comment: r.comment ?? undefined, pendingRecordId: r.id });
  }
  return { present, missing };
}

function toKnown(r: AttachmentRow): KnownVersion {
  return {
    recordId: r.id, fileName: r.fileName, localPath: r.localPath, sha256: r.sha256, attachmentId: r.attachmentGuid,
    synced: r.attachmentGuid !== null && r.lastSyncedAt !== null && r.syncStatus !== 'CONFLICT',
    failedPermanently: r.syncStatus === 'FAILED' && r.failureKind === 'permanent',
    conflictKept: r.syncStatus === 'CONFLICT' && r.localPath === null,
    remoteRemoved: r.remoteRemovedAt !== null, deleted: r.deletedAt !== null,
  };
}
