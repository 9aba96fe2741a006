/**
 * The sync planner: for one work item, compares the mirror folder, the ADO attachment relations and
 * the last-synced state (our records), and returns what a run would do. Pure: no I/O, so --dry-run
 * is this list.
 *
 * The rules (DESIGN.md principles 1, 2 and 4, rclone bisync's "compare with the last state"):
 * - Identity is content. A local file whose SHA-256 some relation of the work item carries (marker or
 *   record) is in sync, whatever its name.
 * - Inbound takes only what is new in ADO: a relation we have never seen (its attachment id is in no
 *   record of this work item, and its content is not on disk). A relation we saw before and whose file
 *   the user deleted locally is not downloaded again (the local delete was a soft delete).
 * - A new remote file lands under its own name unless a different local file holds that name and is
 *   not an unchanged copy of something already synced: then it is kept beside it under a conflict name.
 * - Outbound takes mirror files whose content no relation carries: new files, or new versions of a
 *   synced file (the older relation stays).
 * - A relation we synced that is gone from ADO marks the record; the local file is never deleted.
 */
import type { RemoteAttachment } from './remoteAttachments';

export interface LocalFile {
  fileName: string;
  path: string;
  sha256: string;
  size: number;
}

/** What the store remembers of one attachment version of the work item. */
export interface KnownVersion {
  recordId: number;
  fileName: string;
  sha256: string | null;
  attachmentId: string | null;
  /** Synced before (has a remote identity), as opposed to a failed or pending upload. */
  synced: boolean;
  remoteRemoved: boolean;
  /** The user deleted it locally (soft delete). */
  deleted: boolean;
}

export interface WorkItemState {
  workItemId: number;
  local: readonly LocalFile[];
  remote: readonly RemoteAttachment[];
  known: readonly KnownVersion[];
}

export type PlannedAction =
  | { kind: 'upload'; workItemId: number; fileName: string; path: string; sha256: string; size: number; reason: 'new' | 'changed' }
  | { kind: 'download'; workItemId: number; fileName: string; attachmentId: string; attachmentUrl: string; sha256?: string; size?: number;
      /** Overwrite: the local file of that name is an unchanged copy of an earlier synced version. */
      replaces?: string;
      /** A local file holds the name and the remote content is unknown: compare first (same: adopt; else keep both). */
      verify?: string;
      /** preferRemote: this different local file moves aside under a conflict name first. */
      moveAside?: string }
  | { kind: 'conflict'; workItemId: number; fileName: string; attachmentId: string; attachmentUrl: string; sha256?: string; size?: number;
      /** The different local file that holds the name. */
      localPath: string }
  | { kind: 'markRemoteRemoved'; workItemId: number; fileName: string; recordId: number; attachmentId: string }
  | { kind: 'adopt'; workItemId: number; fileName: string; path: string; sha256: string; size: number; attachmentId: string; attachmentUrl: string }
  | { kind: 'skip'; workItemId: number; fileName: string; reason: 'in-sync' };

export function planWorkItem(s: WorkItemState): PlannedAction[] {
  const out: PlannedAction[] = [];
  const knownById = new Map(s.known.filter((k) => k.attachmentId).map((k) => [k.attachmentId as string, k]));
  // A relation's content: our marker, or what we recorded when we last saw it.
  const shaOf = (r: RemoteAttachment): string | undefined => r.sha256 ?? knownById.get(r.attachmentId)?.sha256 ?? undefined;
  const remoteShas = new Set(s.remote.map(shaOf).filter((h): h is string => h !== undefined));
  // Content that reached ADO once; a pending or failed upload's record does not count.
  const syncedShas = new Set(s.known.filter((k) => k.synced && k.sha256).map((k) => k.sha256 as string));
  // Relations of unknown content (colleagues' files, or our database was lost): compared before anything goes up.
  const unknownNames = new Set(s.remote.filter((r) => shaOf(r) === undefined).map((r) => r.fileName.toLowerCase()));
  const localBySha = new Map(s.local.map((f) => [f.sha256, f]));
  const localByName = new Map(s.local.map((f) => [f.fileName.toLowerCase(), f]));
  const base = { workItemId: s.workItemId };

  for (const f of s.local) {
    if (remoteShas.has(f.sha256)) {
      const r = s.remote.find((x) => shaOf(x) === f.sha256)!;
      // In ADO already; a record is missing only when the database was lost: adopt it.
      if (!knownById.has(r.attachmentId)) out.push({ kind: 'adopt', ...base, fileName: f.fileName, path: f.path, sha256: f.sha256, size: f.size, attachmentId: r.attachmentId, attachmentUrl: r.url });
      else out.push({ kind: 'skip', ...base, fileName: f.fileName, reason: 'in-sync' });
    } else if (syncedShas.has(f.sha256) || unknownNames.has(f.fileName.toLowerCase())) {
      // Synced before and since removed in ADO (that removal wins), or waiting for the comparison above.
      out.push({ kind: 'skip', ...base, fileName: f.fileName, reason: 'in-sync' });
    } else {
      const reason = s.known.some((k) => k.fileName.toLowerCase() === f.fileName.toLowerCase() && k.synced) ? 'changed' : 'new';
      out.push({ kind: 'upload', ...base, fileName: f.fileName, path: f.path, sha256: f.sha256, size: f.size, reason });
    }
  }

  for (const r of s.remote) {
    if (knownById.has(r.attachmentId)) continue;
    if (r.sha256 && (localBySha.has(r.sha256) || syncedShas.has(r.sha256))) continue;
    const target = { ...base, fileName: r.fileName, attachmentId: r.attachmentId, attachmentUrl: r.url, sha256: r.sha256, size: r.size };
    const holder = localByName.get(r.fileName.toLowerCase());
    if (!holder) out.push({ kind: 'download', ...target });
    else if (r.sha256 === undefined) out.push({ kind: 'download', ...target, verify: holder.path });
    else if (syncedShas.has(holder.sha256) && remoteShas.has(holder.sha256)) out.push({ kind: 'download', ...target, replaces: holder.path });
    else out.push({ kind: 'conflict', ...target, localPath: holder.path });
  }

  const liveIds = new Set(s.remote.map((r) => r.attachmentId));
  for (const k of s.known) {
    if (k.synced && k.attachmentId && !k.remoteRemoved && !k.deleted && !liveIds.has(k.attachmentId)) {
      out.push({ kind: 'markRemoteRemoved', ...base, fileName: k.fileName, recordId: k.recordId, attachmentId: k.attachmentId });
    }
  }
  return out;
}
