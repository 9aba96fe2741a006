/**
 * The sync planner: for one work item, compares the local files, the ADO attachment relations and
 * the last-synced state (our records), and returns every decision a sync makes as an action. Pure:
 * no I/O and no clock (the time comes in the input), so --dry-run is this list, the property tests
 * run it thousands of times, and execute/commit only carry it out.
 *
 * Rules (DESIGN.md principles 1, 2, 4, 10, 11; rclone bisync's "compare with the last state"):
 * - Identity is content. A local file whose SHA-256 a relation of the work item carries is in sync,
 *   whatever its name. A relation's content is what our records say, or its [sha256:…] marker when
 *   our records back it (a record of ours, or our own upload of that attachment). Any other marker
 *   is a claim: it is checked (downloaded and hashed) before it changes a decision.
 * - Outbound takes local files whose content no relation carries: new files, new versions of a
 *   synced file (the older relation stays unless `replace`), and files attached explicitly. Content
 *   synced before and since removed in ADO is not sent again (the removal wins), unless attached
 *   explicitly. No more than ADO's 100 attachments per work item are planned: the rest are refused
 *   before a byte is sent.
 * - Inbound takes relations we have no record of, under a local name allocated here: the ADO name
 *   made safe, unique within the folder by nameKey() (case and Unicode form folded), numbered when
 *   distinct attachments share a name. A relation of unknown content whose name a local file holds
 *   is downloaded and compared before anything else happens to that name.
 * - A different local file is never overwritten: keepBoth downloads beside it under a conflict
 *   name, preferLocal remembers the remote version without downloading it, preferRemote moves the
 *   local file aside under a conflict name first.
 * - A relation we synced that is gone from ADO marks the record; a synced file gone from the mirror
 *   marks the record deleted locally (ADO untouched). No local file is ever deleted.
 * - Max-delete brake: when more than `maxDeleteShare` of the item's synced attachments vanished
 *   from ADO at once (and more than one), the item is blocked with the counts until the user
 *   confirms (`force`).
 */
import path from 'node:path';
import type { ConflictPolicy } from '../settings';
import { allocateName, conflictFileName, nameKey, sanitizeFileName } from './localFileName';
import type { RemoteAttachment } from './remoteAttachments';

/** ADO refuses the 101st attachment of a work item (VS403313). */
export const MAX_ATTACHMENTS_PER_WORK_ITEM = 100;

export interface LocalFile {
  fileName: string;
  path: string;
  sha256: string;
  size: number;
  /** In the work item's mirror folder (a scan found it), or a file attached from elsewhere in the workspace. */
  inMirror: boolean;
  /** The user asked to attach this file (attach command): it goes up even if its content was removed in ADO before. */
  explicit?: boolean;
  /** The user's comment for an explicit attach. */
  comment?: string;
  /** The record that holds an explicit attach request until it is carried out. */
  pendingRecordId?: number;
}

/** What the store remembers of one attachment version of the work item. */
export interface KnownVersion {
  recordId: number;
  /** The name in ADO (or the local name for an upload not yet linked). */
  fileName: string;
  localPath: string | null;
  sha256: string | null;
  attachmentId: string | null;
  /** Linked in ADO once (has a remote identity and was synced). */
  synced: boolean;
  /** A failure a retry cannot mend (too large, refused by the server): not tried again unless the user retries. */
  failedPermanently: boolean;
  /** preferLocal kept the local file; this remote version stays in ADO only. */
  conflictKept: boolean;
  remoteRemoved: boolean;
  /** Soft-deleted: the user deleted the file locally, or the record. */
  deleted: boolean;
}

export interface PlanOptions {
  policy: ConflictPolicy;
  maxDeleteShare: number;
  /** The user confirmed a tripped brake. */
  force: boolean;
  /** The user asked to retry what failed permanently before. */
  retryFailed: boolean;
  /** A changed file replaces its previous version in ADO (the older relation is removed). */
  replace: boolean;
  /** For conflict names. */
  now: Date;
  /** 'explicit': only the files the user asked to attach (an attach command); 'all': the whole two-way sync. */
  scope?: 'all' | 'explicit';
}

export interface WorkItemState {
  workItemId: number;
  /** `<mirror>/<workItemId>`: where downloads land. */
  mirrorDir: string;
  local: readonly LocalFile[];
  remote: readonly RemoteAttachment[];
  known: readonly KnownVersion[];
  /** Attachment ids we uploaded ourselves, with their content (the de-duplication index): these back our markers. */
  ownUploads: ReadonlyMap<string, string>;
  options: PlanOptions;
}

interface RemoteRef { attachmentId: string; attachmentUrl: string; fileName: string; size?: number }
type Base = { workItemId: number; fileName: string };

export type PlannedAction =
  | Base & { kind: 'upload'; path: string; sha256: string; size: number; reason: 'new' | 'changed' | 'attach'; comment?: string;
      pendingRecordId?: number;
      /** Relations of earlier versions to remove once this one is linked (`replace`). */
      supersedes: { attachmentId: string; fileName: string }[] }
  /** Over ADO's per-item limit: refused before any byte is sent. */
  | Base & { kind: 'refuse'; path: string; sha256: string; size: number; code: 'VS403313'; message: string; pendingRecordId?: number }
  /** An explicit attach of content the work item already has: nothing is sent. */
  | Base & RemoteRef & { kind: 'duplicate'; localPath: string; sha256: string; pendingRecordId?: number; recordId?: number }
  | Base & RemoteRef & { kind: 'download';
      /** Where it lands (allocated): a free name in the mirror folder. */
      localPath: string;
      /** Content we trust (our marker or record); undefined: unknown, hashed while downloading. */
      sha256?: string;
      /** 'conflict': kept beside a different local file of that name (keepBoth or preferRemote). */
      as: 'new' | 'conflict';
      /** preferRemote: this different local file moves to this conflict name first. */
      moveAside?: { from: string; to: string } }
  /**
   * Content unknown or only claimed, and a local file holds the name (or the claimed content): download to
   * staging and compare. Same content: adopt the local file. Different: `differ` says what the policy keeps.
   */
  | Base & RemoteRef & { kind: 'verify'; localPath: string; localSha256: string; claimedSha256?: string; differ: Differ }
  /** A relation carrying a local file's content that our records do not link to that file (database lost, renamed file). */
  | Base & RemoteRef & { kind: 'adopt'; localPath: string; sha256: string; recordId?: number }
  /** preferLocal: the remote version of a name a different local file holds stays in ADO only (remembered). */
  | Base & RemoteRef & { kind: 'keepRemoteOnly'; sha256?: string; localPath: string }
  | Base & { kind: 'markRemoteRemoved'; recordId: number; attachmentId: string }
  | Base & { kind: 'markLocalDeleted'; recordId: number; localPath: string }
  | Base & { kind: 'skip'; reason: 'in-sync' | 'removed-in-ado' | 'awaiting-compare' | 'failed-before' };

/** What a verified download whose content differs from the local file becomes. */
export type Differ =
  /** Kept under this free name: beside the local file as a conflict, or as a file of its own (a claim that was false). */
  | { kind: 'keepBeside'; path: string; as: 'new' | 'conflict' }
  /** preferLocal: not kept; the remote version stays in ADO only (remembered). */
  | { kind: 'keepRemoteOnly' }
  /** preferRemote: the local file moves aside to this name and the download takes its place. */
  | { kind: 'replaceLocal'; moveAsideTo: string };

export interface BrakeState { reason: 'max-delete'; removals: number; total: number; maxShare: number }

export interface Plan {
  workItemId: number;
  actions: PlannedAction[];
  /** Set when the brake tripped: the item waits for the user; `actions` is then empty. */
  blocked?: BrakeState;
}

/** Actions with an effect (anything but skip). */
export function effectiveActions(plan: Plan): PlannedAction[] {
  return plan.actions.filter((a) => a.kind !== 'skip');
}

export function planWorkItem(input: WorkItemState): Plan {
  // One canonical order: which of two equal candidates a rule picks must not depend on the order of a listing.
  const s: WorkItemState = { ...input, local: [...input.local].sort(byPath), remote: [...input.remote].sort(byAttachmentId),
    known: [...input.known].sort((a, b) => a.recordId - b.recordId) };
  if (s.options.scope === 'explicit') {
    return { workItemId: s.workItemId, actions: new PlanContext({ ...s, local: s.local.filter((f) => f.explicit) }).outbound() };
  }
  const ctx = new PlanContext(s);
  const removals = ctx.remoteRemovals();
  const synced = s.known.filter((k) => k.synced && k.attachmentId && !k.remoteRemoved && !k.deleted).length;
  // A single removal never brakes; a mass disappearance (wrong project, bulk edit) does.
  if (!s.options.force && removals.length > 1 && synced > 0 && removals.length / synced > s.options.maxDeleteShare) {
    return { workItemId: s.workItemId, actions: [], blocked: { reason: 'max-delete', removals: removals.length, total: synced, maxShare: s.options.maxDeleteShare } };
  }
  const actions = [...ctx.outbound(), ...ctx.inbound(), ...removals, ...ctx.localDeletions()];
  return { workItemId: s.workItemId, actions };
}

class PlanContext {
  private readonly knownById: Map<string, KnownVersion>;
  /** Names in use in the mirror folder: files on disk and records that own a path there. */
  private readonly taken = new Set<string>();
  private readonly trustedSha = new Map<string, string>();
  private readonly claimedSha = new Map<string, string>();
  /** Relations already handled by the outbound pass (adopted or being verified against a local file). */
  private readonly handled = new Set<string>();
  /** Records a local file still backs (for local-deletion marks). */
  private readonly backedRecords = new Set<number>();
  private readonly base: { workItemId: number };

  constructor(private readonly s: WorkItemState) {
    this.base = { workItemId: s.workItemId };
    this.knownById = new Map(s.known.filter((k) => k.attachmentId).map((k) => [k.attachmentId as string, k]));
    for (const f of s.local) if (f.inMirror) this.taken.add(nameKey(path.basename(f.path)));
    for (const k of s.known) if (!k.deleted && k.localPath && isIn(s.mirrorDir, k.localPath)) this.taken.add(nameKey(path.basename(k.localPath)));
    for (const r of s.remote) {
      const recorded = this.knownById.get(r.attachmentId)?.sha256 ?? undefined;
      const own = s.ownUploads.get(r.attachmentId);
      if (recorded) this.trustedSha.set(r.attachmentId, recorded);
      else if (r.sha256 && own === r.sha256) this.trustedSha.set(r.attachmentId, r.sha256);
      else if (r.sha256) this.claimedSha.set(r.attachmentId, r.sha256);
    }
  }

  outbound(): PlannedAction[] {
    const out: PlannedAction[] = [];
    const s = this.s;
    const syncedShas = new Set(s.known.filter((k) => k.synced && k.sha256).map((k) => k.sha256 as string));
    // Relations whose content we do not know (or only claimed): a local file of that name waits for the comparison.
    const unknownNames = new Set(s.remote.filter((r) => !this.trustedSha.has(r.attachmentId) && !this.knownById.has(r.attachmentId))
      .map((r) => nameKey(sanitizeFileName(r.fileName))));
    // A relation of unknown content as large as a local file may hold that content under another name: it is
    // downloaded (or compared) in this round, so the file waits one round instead of being linked twice.
    const unknownSizes = new Set(s.remote.filter((r) => !this.trustedSha.has(r.attachmentId) && r.size !== undefined).map((r) => r.size as number));
    const planned = new Set<string>();
    for (const f of [...s.local].sort(byPath)) {
      const base = { ...this.base, fileName: f.fileName };
      const linked = this.linkedRelation(f);
      if (linked) {
        out.push(this.adoptOrSkip(f, linked));
        continue;
      }
      const claimed = s.remote.find((r) => this.claimedSha.get(r.attachmentId) === f.sha256 && !this.handled.has(r.attachmentId));
      if (!claimed && s.remote.some((r) => this.claimedSha.get(r.attachmentId) === f.sha256)) {
        // Another file of this content is being compared with the relation that claims it: wait for the answer.
        out.push({ kind: 'skip', ...base, reason: 'awaiting-compare' });
        continue;
      }
      if (claimed) {
        this.handled.add(claimed.attachmentId);
        out.push({ kind: 'verify', ...base, ...ref(claimed), fileName: claimed.fileName, localPath: f.path, localSha256: f.sha256,
          claimedSha256: f.sha256, differ: { kind: 'keepBeside', path: this.allocate(claimed.fileName), as: 'new' } });
        continue;
      }
      if (planned.has(f.sha256)) {
        out.push({ kind: 'skip', ...base, reason: 'in-sync' });
        continue;
      }
      const record = s.known.find((k) => k.sha256 === f.sha256 && !k.deleted);
      if (!f.explicit && syncedShas.has(f.sha256)) {
        out.push({ kind: 'skip', ...base, reason: 'removed-in-ado' });
      } else if ((f.inMirror && unknownNames.has(nameKey(f.fileName))) || unknownSizes.has(f.size)) {
        out.push({ kind: 'skip', ...base, reason: 'awaiting-compare' });
      } else if (record?.failedPermanently && !s.options.retryFailed) {
        out.push({ kind: 'skip', ...base, reason: 'failed-before' });
      } else {
        planned.add(f.sha256);
        // Earlier versions of this very file (its path), not every attachment that shares its name in ADO,
        // and not a version preferLocal left in ADO only (the user never had it).
        const previous = s.known.filter((k) => k.synced && !k.remoteRemoved && !k.conflictKept && k.attachmentId && k.sha256 !== f.sha256 && k.localPath === f.path);
        const reason = f.explicit ? 'attach' : previous.length > 0 ? 'changed' : 'new';
        const supersedes = s.options.replace && reason !== 'attach'
          ? previous.filter((k) => s.remote.some((r) => r.attachmentId === k.attachmentId)).map((k) => ({ attachmentId: k.attachmentId as string, fileName: k.fileName }))
          : [];
        out.push({ kind: 'upload', ...base, path: f.path, sha256: f.sha256, size: f.size, reason, comment: f.comment, pendingRecordId: f.pendingRecordId, supersedes });
      }
    }
    // A relation another local file stands for (adopted or in sync) is not an earlier version to remove.
    for (const a of out) if (a.kind === 'upload') a.supersedes = a.supersedes.filter((x) => !this.handled.has(x.attachmentId));
    return this.withinLimit(out);
  }

  /** ADO's per-item limit, checked before any byte is sent: uploads that do not fit are refused with the counts. */
  private withinLimit(actions: PlannedAction[]): PlannedAction[] {
    const slots = MAX_ATTACHMENTS_PER_WORK_ITEM - this.s.remote.length;
    const uploads = actions.filter((a) => a.kind === 'upload').length;
    let used = 0;
    return actions.map((a) => {
      if (a.kind !== 'upload' || used++ < slots) return a;
      return { kind: 'refuse', workItemId: a.workItemId, fileName: a.fileName, path: a.path, sha256: a.sha256, size: a.size, code: 'VS403313', pendingRecordId: a.pendingRecordId,
        message: `Work item ${a.workItemId} would have more than ${MAX_ATTACHMENTS_PER_WORK_ITEM} attachments, the most Azure DevOps allows (${this.s.remote.length} there, ${uploads} to add); ${a.fileName} was not sent.` };
    });
  }

  inbound(): PlannedAction[] {
    const out: PlannedAction[] = [];
    const s = this.s;
    const localBySha = new Map(s.local.map((f) => [f.sha256, f]));
    // Content synced before and still standing for something here: a local file (edited since or not) or a soft
    // delete. An earlier sync whose relation and file are both gone does not stop a new relation of that content.
    const present = new Set(s.local.map((f) => f.path));
    const syncedShas = new Set(s.known.filter((k) => k.synced && k.sha256 && !(k.remoteRemoved && !k.deleted && !(k.localPath && present.has(k.localPath))))
      .map((k) => k.sha256 as string));
    const holders = new Map(s.local.filter((f) => f.inMirror).map((f) => [nameKey(path.basename(f.path)), f]));
    const seenContent = new Set<string>();
    for (const r of s.remote) {
      if (this.handled.has(r.attachmentId)) continue;
      const known = this.knownById.get(r.attachmentId);
      const sha = this.trustedSha.get(r.attachmentId);
      if (sha && (localBySha.has(sha) || seenContent.has(sha))) continue;
      // A record that has (or had) a local file: present, renamed (adopted above) or deleted by the user (marked below).
      if (known && (known.localPath !== null || known.deleted || known.conflictKept || known.remoteRemoved)) continue;
      if (!known && sha && syncedShas.has(sha)) continue;
      if (sha) seenContent.add(sha);
      const base = { ...this.base, ...ref(r) };
      const safe = sanitizeFileName(r.fileName);
      const holder = holders.get(nameKey(safe));
      // preferRemote may move the holder aside for this relation: a second relation of that name gets a name of its own.
      if (holder && s.options.policy === 'preferRemote') holders.delete(nameKey(safe));
      if (!holder) {
        out.push({ kind: 'download', ...base, localPath: this.allocate(r.fileName), sha256: sha, as: 'new' });
      } else if (!sha) {
        out.push({ kind: 'verify', ...base, localPath: holder.path, localSha256: holder.sha256, differ: this.onConflict(r.fileName, holder) });
      } else if (this.isUnchangedSyncedCopy(holder)) {
        // The local file is an unedited copy of a version ADO still has: nothing of the user's is at stake.
        out.push({ kind: 'download', ...base, localPath: this.allocate(r.fileName), sha256: sha, as: 'new' });
      } else if (s.options.policy === 'preferLocal') {
        out.push({ kind: 'keepRemoteOnly', ...base, sha256: sha, localPath: holder.path });
      } else if (s.options.policy === 'preferRemote') {
        out.push({ kind: 'download', ...base, localPath: holder.path, sha256: sha, as: 'conflict',
          moveAside: { from: holder.path, to: this.allocateConflict(path.basename(holder.path), 'local') } });
      } else {
        out.push({ kind: 'download', ...base, localPath: this.allocateConflict(r.fileName, 'ADO'), sha256: sha, as: 'conflict' });
      }
    }
    return out;
  }

  remoteRemovals(): PlannedAction[] {
    const live = new Set(this.s.remote.map((r) => r.attachmentId));
    return this.s.known
      .filter((k) => k.synced && k.attachmentId && !k.remoteRemoved && !k.deleted && !live.has(k.attachmentId))
      .map((k) => ({ kind: 'markRemoteRemoved', ...this.base, fileName: k.fileName, recordId: k.recordId, attachmentId: k.attachmentId as string }));
  }

  /** Synced mirror files the user deleted: the record is marked, ADO is untouched. Runs after outbound(). */
  localDeletions(): PlannedAction[] {
    const live = new Set(this.s.remote.map((r) => r.attachmentId));
    const present = new Set(this.s.local.map((f) => f.path));
    const contents = new Set(this.s.local.map((f) => f.sha256));
    return this.s.known
      .filter((k) => k.synced && !k.deleted && !k.remoteRemoved && k.attachmentId && live.has(k.attachmentId) && k.localPath
        && isIn(this.s.mirrorDir, k.localPath) && !present.has(k.localPath) && !(k.sha256 && contents.has(k.sha256)) && !this.backedRecords.has(k.recordId))
      .map((k) => ({ kind: 'markLocalDeleted', ...this.base, fileName: k.fileName, recordId: k.recordId, localPath: k.localPath as string }));
  }

  /**
   * The relation carrying this file's content: the one whose record owns the file, else the first by
   * attachment id that no other local file stands for already.
   */
  private linkedRelation(f: LocalFile): RemoteAttachment | undefined {
    const carriers = this.s.remote.filter((r) => this.trustedSha.get(r.attachmentId) === f.sha256);
    return carriers.find((r) => this.knownById.get(r.attachmentId)?.localPath === f.path)
      ?? carriers.find((r) => !this.handled.has(r.attachmentId)) ?? carriers[0];
  }

  private adoptOrSkip(f: LocalFile, r: RemoteAttachment): PlannedAction {
    // A second local copy of content another file already stands for: nothing to do (two adopts of one relation would fight).
    if (this.handled.has(r.attachmentId)) return { kind: 'skip', ...this.base, fileName: f.fileName, reason: 'in-sync' };
    this.handled.add(r.attachmentId);
    const record = this.knownById.get(r.attachmentId);
    const base = { ...this.base, fileName: f.fileName };
    if (record) this.backedRecords.add(record.recordId);
    if (f.explicit) return { kind: 'duplicate', ...base, ...ref(r), localPath: f.path, sha256: f.sha256, pendingRecordId: f.pendingRecordId, recordId: record?.recordId };
    const ownsFile = record !== undefined && record.localPath !== null
      && (record.localPath === f.path || this.s.local.some((x) => x.path === record.localPath));
    // A soft-deleted record stays deleted while its file is there: the user asked to forget it.
    if (ownsFile || record?.deleted || (record && !f.inMirror)) return { kind: 'skip', ...base, reason: 'in-sync' };
    return { kind: 'adopt', ...base, ...ref(r), fileName: r.fileName, localPath: f.path, sha256: f.sha256, recordId: record?.recordId };
  }

  /** A different local file holds the name: the conflict policy decides; no choice overwrites it. */
  private onConflict(adoName: string, holder: LocalFile): Differ {
    const policy = this.s.options.policy;
    if (policy === 'preferLocal') return { kind: 'keepRemoteOnly' };
    if (policy === 'preferRemote') return { kind: 'replaceLocal', moveAsideTo: this.allocateConflict(path.basename(holder.path), 'local') };
    return { kind: 'keepBeside', path: this.allocateConflict(adoName, 'ADO'), as: 'conflict' };
  }

  private isUnchangedSyncedCopy(f: LocalFile): boolean {
    return [...this.trustedSha.values()].includes(f.sha256);
  }

  private allocate(adoName: string): string {
    return path.join(this.s.mirrorDir, allocateName(sanitizeFileName(adoName), this.taken));
  }

  private allocateConflict(name: string, origin: string): string {
    return path.join(this.s.mirrorDir, allocateName(conflictFileName(sanitizeFileName(name), origin, this.s.options.now), this.taken));
  }
}

function ref(r: RemoteAttachment): RemoteRef & { fileName: string } {
  return { attachmentId: r.attachmentId, attachmentUrl: r.url, fileName: r.fileName, size: r.size };
}

function byAttachmentId(a: RemoteAttachment, b: RemoteAttachment): number {
  return a.attachmentId.localeCompare(b.attachmentId);
}

function byPath(a: LocalFile, b: LocalFile): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

function isIn(dir: string, file: string): boolean {
  return path.dirname(file) === dir;
}
