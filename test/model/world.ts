// A pure model of one work item's world for the planner properties: the ADO relations with the
// content each really holds (which the model knows and the planner may not), the files on disk
// (the mirror folder and elsewhere in the workspace), our records and our own uploads. applyAction()
// carries a planned action out as if it succeeded, and writes down every broken promise it sees on
// the way (a write over an occupied name, an adoption of content the relation does not hold...).
import path from 'node:path';
import { nameKey } from '../../src/core/sync/localFileName';
import type { KnownVersion, LocalFile, PlannedAction, PlanOptions, WorkItemState } from '../../src/core/sync/planner';
import type { RemoteAttachment } from '../../src/core/sync/remoteAttachments';

export const WORK_ITEM = 1;
export const MIRROR_DIR = path.join('/m', String(WORK_ITEM));
export const OUTSIDE_DIR = '/ws/docs';

/** A relation and the content its attachment really holds. */
export interface Relation {
  attachmentId: string;
  fileName: string;
  /** The [sha256:…] marker of its comment: ours, a colleague's honest one, or a forged one. */
  marker?: string;
  content: string;
}

export interface DiskFile {
  path: string;
  content: string;
  /** The user asked to attach it (attach command); cleared once the request is carried out. */
  explicit?: boolean;
  comment?: string;
  pendingRecordId?: number;
}

export interface World {
  relations: Relation[];
  /** By exact path. Files outside the mirror folder are given to the planner only while an attach request names them. */
  files: Map<string, DiskFile>;
  known: KnownVersion[];
  ownUploads: Map<string, string>;
  nextRecordId: number;
  nextAttachment: number;
}

export function sizeOf(content: string): number {
  return 100 + content.length * 7;
}

export function attachmentUrl(id: string): string {
  return `https://dev.azure.com/org/_apis/wit/attachments/${id}`;
}

export function inMirror(file: string): boolean {
  return path.dirname(file) === MIRROR_DIR;
}

export function cloneWorld(w: World): World {
  return {
    relations: w.relations.map((r) => ({ ...r })),
    files: new Map([...w.files].map(([k, f]) => [k, { ...f }])),
    known: w.known.map((k) => ({ ...k })),
    ownUploads: new Map(w.ownUploads),
    nextRecordId: w.nextRecordId,
    nextAttachment: w.nextAttachment,
  };
}

/** What the coordinator would hand the planner: the mirror scan plus the files of pending attach requests. */
export function plannerInput(w: World, options: PlanOptions): WorkItemState {
  const local: LocalFile[] = [...w.files.values()]
    .filter((f) => inMirror(f.path) || f.explicit)
    .map((f) => ({
      fileName: path.basename(f.path), path: f.path, sha256: f.content, size: sizeOf(f.content), inMirror: inMirror(f.path),
      ...(f.explicit ? { explicit: true, comment: f.comment, pendingRecordId: f.pendingRecordId } : {}),
    }));
  const remote: RemoteAttachment[] = w.relations.map((r) => ({
    attachmentId: r.attachmentId, url: attachmentUrl(r.attachmentId), fileName: r.fileName, size: sizeOf(r.content),
    ...(r.marker ? { sha256: r.marker, comment: `[sha256:${r.marker}]` } : {}),
  }));
  return { workItemId: WORK_ITEM, mirrorDir: MIRROR_DIR, local, remote, known: w.known.map((k) => ({ ...k })), ownUploads: new Map(w.ownUploads), options };
}

export class Violations {
  readonly list: string[] = [];
  /** Names (dir + nameKey) the user already holds under two spellings (a case-sensitive file system allows it). */
  readonly sharedKeys = new Set<string>();

  constructor(start?: World) {
    const seen = new Map<string, string>();
    for (const f of start?.files.values() ?? []) {
      const key = keyOf(f.path);
      if (seen.has(key) && seen.get(key) !== f.path) this.sharedKeys.add(key);
      seen.set(key, f.path);
    }
  }

  add(rule: string, detail: string): void {
    this.list.push(`${rule}: ${detail}`);
  }
}

/** Carries one action out as if it succeeded. */
export function applyAction(w: World, a: PlannedAction, v: Violations): void {
  switch (a.kind) {
    case 'upload': return upload(w, a, v);
    case 'refuse': return refuse(w, a);
    case 'duplicate': return duplicate(w, a);
    case 'download': return download(w, a, v);
    case 'verify': return verify(w, a, v);
    case 'adopt': return adopt(w, a, v);
    case 'keepRemoteOnly': {
      const rel = relationOf(w, a.attachmentId, v, a.kind);
      if (rel && a.sha256 !== undefined && a.sha256 !== rel.content) v.add('trusted-a-false-hash', `keepRemoteOnly of ${a.attachmentId} records ${a.sha256}, it holds ${rel.content}`);
      upsertRecord(w, a.attachmentId, { fileName: a.fileName, localPath: null, sha256: rel?.content ?? a.sha256 ?? null, synced: true, conflictKept: true });
      return;
    }
    case 'markRemoteRemoved': return patchRecord(w, a.recordId, { remoteRemoved: true }, v);
    case 'markLocalDeleted': return patchRecord(w, a.recordId, { deleted: true }, v);
    case 'skip': return;
  }
}

type Upload = Extract<PlannedAction, { kind: 'upload' }>;

function upload(w: World, a: Upload, v: Violations): void {
  const file = w.files.get(a.path);
  if (!file || file.content !== a.sha256) v.add('upload-of-missing-content', `${a.path} does not hold ${a.sha256}`);
  const id = `att-${String(w.nextAttachment++).padStart(4, '0')}`;
  w.relations.push({ attachmentId: id, fileName: a.fileName, marker: a.sha256, content: a.sha256 });
  w.ownUploads.set(id, a.sha256);
  const pending = a.pendingRecordId !== undefined ? w.known.find((k) => k.recordId === a.pendingRecordId) : undefined;
  const unlinked = pending ?? w.known.find((k) => k.sha256 === a.sha256 && !k.synced && !k.deleted && k.attachmentId === null);
  const fields = { fileName: a.fileName, localPath: a.path, sha256: a.sha256, attachmentId: id, synced: true, failedPermanently: false };
  if (unlinked) Object.assign(unlinked, fields);
  else w.known.push(newRecord(w, fields));
  for (const { attachmentId: old } of a.supersedes) {
    // replace removes earlier versions of this file only: a relation whose record is at this path.
    if (!w.known.some((k) => k.attachmentId === old && k.localPath === a.path)) v.add('replace-removes-another-version', `${old} is not an earlier version of ${a.path}`);
    const index = w.relations.findIndex((r) => r.attachmentId === old);
    if (index < 0) v.add('supersedes-unknown-relation', `${old} is not on the work item`);
    else w.relations.splice(index, 1);
    for (const k of w.known) if (k.attachmentId === old) k.remoteRemoved = true;
  }
  consumeRequest(w, a.path);
}

function refuse(w: World, a: Extract<PlannedAction, { kind: 'refuse' }>): void {
  const pending = a.pendingRecordId !== undefined ? w.known.find((k) => k.recordId === a.pendingRecordId) : undefined;
  const record = pending ?? w.known.find((k) => k.sha256 === a.sha256 && !k.synced && !k.deleted);
  if (record) record.failedPermanently = true;
  else w.known.push(newRecord(w, { fileName: a.fileName, localPath: a.path, sha256: a.sha256, failedPermanently: true }));
  consumeRequest(w, a.path);
}

function duplicate(w: World, a: Extract<PlannedAction, { kind: 'duplicate' }>): void {
  // The request is carried out: the content is there already. A pending record of it has nothing left to hold.
  if (a.pendingRecordId !== undefined) w.known = w.known.filter((k) => k.recordId !== a.pendingRecordId);
  consumeRequest(w, a.localPath);
}

function download(w: World, a: Extract<PlannedAction, { kind: 'download' }>, v: Violations): void {
  const rel = relationOf(w, a.attachmentId, v, a.kind);
  if (!rel) return;
  if (a.sha256 !== undefined && a.sha256 !== rel.content) v.add('trusted-a-false-hash', `download of ${a.attachmentId} expects ${a.sha256}, it holds ${rel.content}`);
  if (a.moveAside) moveAside(w, a.moveAside.from, a.moveAside.to, v);
  writeFile(w, a.localPath, rel.content, v, `download of ${a.attachmentId}`);
  upsertRecord(w, a.attachmentId, { fileName: rel.fileName, localPath: a.localPath, sha256: rel.content, synced: true, conflictKept: false });
}

/** preferRemote: the local file moves to a free conflict name (its records follow it) before the download takes its name. */
function moveAside(w: World, from: string, to: string, v: Violations): void {
  const moved = w.files.get(from);
  if (!moved) return v.add('move-aside-of-missing-file', from);
  writeFile(w, to, moved.content, v, `move aside of ${from}`);
  w.files.delete(from);
  for (const k of w.known) if (k.localPath === from) k.localPath = to;
}

function verify(w: World, a: Extract<PlannedAction, { kind: 'verify' }>, v: Violations): void {
  const rel = relationOf(w, a.attachmentId, v, a.kind);
  if (!rel) return;
  const holder = w.files.get(a.localPath);
  if (holder && holder.content === rel.content) {
    upsertRecord(w, a.attachmentId, { fileName: rel.fileName, localPath: a.localPath, sha256: rel.content, synced: true, conflictKept: false });
    return;
  }
  const d = a.differ;
  if (d.kind === 'keepRemoteOnly') {
    upsertRecord(w, a.attachmentId, { fileName: rel.fileName, localPath: null, sha256: rel.content, synced: true, conflictKept: true });
    return;
  }
  const target = d.kind === 'keepBeside' ? d.path : a.localPath;
  if (d.kind === 'replaceLocal') moveAside(w, a.localPath, d.moveAsideTo, v);
  writeFile(w, target, rel.content, v, `verify of ${a.attachmentId} (different content, ${d.kind})`);
  upsertRecord(w, a.attachmentId, { fileName: rel.fileName, localPath: target, sha256: rel.content, synced: true, conflictKept: false });
}

function adopt(w: World, a: Extract<PlannedAction, { kind: 'adopt' }>, v: Violations): void {
  const rel = relationOf(w, a.attachmentId, v, a.kind);
  if (rel && rel.content !== a.sha256) v.add('adopted-wrong-content', `${a.localPath} (${a.sha256}) adopted as ${a.attachmentId}, which holds ${rel.content}`);
  const fields = { fileName: a.fileName, localPath: a.localPath, sha256: a.sha256, attachmentId: a.attachmentId, synced: true, remoteRemoved: false };
  const record = a.recordId !== undefined ? w.known.find((k) => k.recordId === a.recordId) : undefined;
  if (record) Object.assign(record, fields);
  else upsertRecord(w, a.attachmentId, fields);
}

/** A write into the mirror never lands on a name an existing file holds (compared as the file system would: nameKey). */
function writeFile(w: World, target: string, content: string, v: Violations, what: string): void {
  const key = keyOf(target);
  const exact = w.files.get(target);
  const clash = exact ?? (v.sharedKeys.has(key) ? undefined : [...w.files.values()].find((f) => keyOf(f.path) === key));
  if (clash) {
    const rule = clash.content === content ? 'write-onto-occupied-name' : clash === exact ? 'overwrote-a-different-file' : 'wrote-onto-another-spelling';
    v.add(rule, `${what} to ${JSON.stringify(target)}, where ${JSON.stringify(clash.path)} holds ${clash.content}`);
    w.files.delete(clash.path);
  }
  w.files.set(target, { path: target, content });
}

function keyOf(file: string): string {
  return `${path.dirname(file)}/${nameKey(path.basename(file))}`;
}

function consumeRequest(w: World, file: string): void {
  const f = w.files.get(file);
  if (f) {
    delete f.explicit;
    delete f.comment;
    delete f.pendingRecordId;
  }
}

function relationOf(w: World, id: string, v: Violations, what: string): Relation | undefined {
  const rel = w.relations.find((r) => r.attachmentId === id);
  if (!rel) v.add('action-on-missing-relation', `${what} of ${id}`);
  return rel;
}

function patchRecord(w: World, recordId: number, fields: Partial<KnownVersion>, v: Violations): void {
  const record = w.known.find((k) => k.recordId === recordId);
  if (!record) v.add('action-on-missing-record', String(recordId));
  else Object.assign(record, fields);
}

function upsertRecord(w: World, attachmentId: string, fields: Partial<KnownVersion>): void {
  const record = w.known.find((k) => k.attachmentId === attachmentId);
  if (record) Object.assign(record, fields, { deleted: false, remoteRemoved: false });
  else w.known.push(newRecord(w, { ...fields, attachmentId }));
}

export function newRecord(w: World, fields: Partial<KnownVersion>): KnownVersion {
  return {
    recordId: w.nextRecordId++, fileName: 'unnamed', localPath: null, sha256: null, attachmentId: null, synced: false,
    failedPermanently: false, conflictKept: false, remoteRemoved: false, deleted: false, ...fields,
  };
}
