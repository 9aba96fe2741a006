// fast-check arbitraries for correlated (relations, local files, records) triples of one work item.
// A case is a list of "entries", each a small story with its three sides generated together (a file
// synced and since edited, a colleague's relation with a forged marker, a record left by a lost
// attach...), drawn from a small pool of names and contents so that the awkward coincidences come
// on purpose: equal names, names equal after sanitising or case folding, NFC/NFD forms, bidi and
// control characters, equal contents under different names.
import path from 'node:path';
import fc from 'fast-check';
import type { ConflictPolicy } from '../../src/core/settings';
import type { PlanOptions } from '../../src/core/sync/planner';
import { MIRROR_DIR, newRecord, OUTSIDE_DIR, type World } from './world';

export const NAMES = [
  'report.txt', 'Report.TXT', 'report:v1.txt', 'report?v1.txt', 'report_v1.txt', 'report (2).txt',
  'caf\u00e9.txt', 'cafe\u0301.txt', 'CAF\u00c9.txt', 'invoice\u202etxt.exe', 'invoicetxt.exe', 'tab\u0009name.txt', 'tab_name.txt',
  'CON.txt', 'con_.txt', ' notes.txt', 'notes.txt', 'notes.txt.', `${'long'.repeat(60)}.txt`,
];
export const CONTENTS = ['A', 'B', 'C', 'D', 'E'];

const name = fc.constantFrom(...NAMES);
const content = fc.constantFrom(...CONTENTS);

export type Entry =
  /** Synced once: a relation of ours, a record, the mirror file; each side may have moved on since. */
  | { t: 'synced'; name: string; content: string; local: 'same' | 'deleted' | { changed: string } | { renamed: string }; remote: 'present' | 'removed'; own: boolean }
  /** A colleague's relation: no marker, an honest one, or a forged one naming other content. */
  | { t: 'colleague'; name: string; content: string; marker: 'none' | 'honest' | { forged: string } }
  /** A new file in the mirror. */
  | { t: 'local'; name: string; content: string }
  /** Our upload whose record was lost (database lost or a crash before commit). */
  | { t: 'lost'; name: string; content: string; localFile: boolean; own: boolean }
  /** preferLocal remembered this remote version instead of downloading it. */
  | { t: 'kept'; name: string; content: string; localContent: string }
  /** An upload that failed for good before. */
  | { t: 'failed'; name: string; content: string }
  /** An attach request: a file inside or outside the mirror, with or without a pending record. */
  | { t: 'explicit'; name: string; content: string; inMirror: boolean; pending: boolean }
  /** A record the user soft-deleted; the relation is still there, the file maybe. */
  | { t: 'softDeleted'; name: string; content: string; localFile: boolean };

export const entryArb: fc.Arbitrary<Entry> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('synced' as const), name, content,
    local: fc.oneof(fc.constant('same' as const), fc.constant('deleted' as const), fc.record({ changed: content }), fc.record({ renamed: name })),
    remote: fc.constantFrom('present' as const, 'present' as const, 'removed' as const), own: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('colleague' as const), name, content,
    marker: fc.oneof(fc.constant('none' as const), fc.constant('honest' as const), fc.record({ forged: content })) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('local' as const), name, content }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('lost' as const), name, content, localFile: fc.boolean(), own: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('kept' as const), name, content, localContent: content }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('failed' as const), name, content }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('explicit' as const), name, content, inMirror: fc.boolean(), pending: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('softDeleted' as const), name, content, localFile: fc.boolean() }) },
);

export const optionsArb: fc.Arbitrary<Omit<PlanOptions, 'now'>> = fc.record({
  policy: fc.constantFrom<ConflictPolicy>('keepBoth', 'preferLocal', 'preferRemote'),
  maxDeleteShare: fc.constantFrom(0, 0.25, 0.5, 1),
  force: fc.boolean(),
  retryFailed: fc.boolean(),
  replace: fc.boolean(),
});

export interface Case {
  entries: Entry[];
  /** Synced attachments added to bring the work item near ADO's 100-attachment limit. */
  filler: number;
  options: Omit<PlanOptions, 'now'>;
}

export const caseArb: fc.Arbitrary<Case> = fc.record({
  entries: fc.array(entryArb, { maxLength: 8 }),
  // Mostly none; one case in twelve 96..100 (it shrinks towards none).
  filler: fc.integer({ min: 0, max: 59 }).map((n) => (n < 55 ? 0 : n + 41)),
  options: optionsArb,
});

/** Builds the world an entry list describes. A file whose exact path is taken already is left out (one path, one file). */
export function buildWorld(c: Case): World {
  const w: World = { relations: [], files: new Map(), known: [], ownUploads: new Map(), nextRecordId: 1, nextAttachment: 1 };
  const put = (dir: string, fileName: string, fileContent: string, extra: object = {}): string | null => {
    const p = path.join(dir, fileName);
    if (w.files.has(p)) return null;
    w.files.set(p, { path: p, content: fileContent, ...extra });
    return p;
  };
  const relation = (fileName: string, relContent: string, marker?: string): string => {
    const id = `att-${String(w.nextAttachment++).padStart(4, '0')}`;
    w.relations.push({ attachmentId: id, fileName, content: relContent, ...(marker ? { marker } : {}) });
    return id;
  };
  for (let i = 0; i < c.filler; i++) {
    const fillContent = `F${i}`;
    const fileName = `fill-${i}.bin`;
    const id = relation(fileName, fillContent, fillContent);
    w.ownUploads.set(id, fillContent);
    const p = put(MIRROR_DIR, fileName, fillContent);
    w.known.push(newRecord(w, { fileName, localPath: p, sha256: fillContent, attachmentId: id, synced: true }));
  }
  for (const e of c.entries) addEntry(w, e, put, relation);
  return w;
}

type Put = (dir: string, fileName: string, content: string, extra?: object) => string | null;

function addEntry(w: World, e: Entry, put: Put, relation: (fileName: string, content: string, marker?: string) => string): void {
  switch (e.t) {
    case 'synced': {
      const id = e.remote === 'present' ? relation(e.name, e.content, e.content) : `att-gone-${w.nextAttachment++}`;
      if (e.own) w.ownUploads.set(id, e.content);
      const localPath = path.join(MIRROR_DIR, e.name);
      if (w.files.has(localPath) || w.known.some((k) => k.localPath === localPath)) return;
      if (e.local === 'same') put(MIRROR_DIR, e.name, e.content);
      else if (typeof e.local === 'object' && 'changed' in e.local) put(MIRROR_DIR, e.name, e.local.changed);
      else if (typeof e.local === 'object' && 'renamed' in e.local) put(MIRROR_DIR, e.local.renamed, e.content);
      w.known.push(newRecord(w, { fileName: e.name, localPath, sha256: e.content, attachmentId: id, synced: true }));
      return;
    }
    case 'colleague': {
      const marker = e.marker === 'none' ? undefined : e.marker === 'honest' ? e.content : e.marker.forged;
      relation(e.name, e.content, marker);
      return;
    }
    case 'local':
      put(MIRROR_DIR, e.name, e.content);
      return;
    case 'lost': {
      const id = relation(e.name, e.content, e.content);
      if (e.own) w.ownUploads.set(id, e.content);
      if (e.localFile) put(MIRROR_DIR, e.name, e.content);
      return;
    }
    case 'kept': {
      const id = relation(e.name, e.content, e.content);
      put(MIRROR_DIR, e.name, e.localContent);
      w.known.push(newRecord(w, { fileName: e.name, sha256: e.content, attachmentId: id, synced: true, conflictKept: true }));
      return;
    }
    case 'failed': {
      const p = put(MIRROR_DIR, e.name, e.content);
      if (p) w.known.push(newRecord(w, { fileName: e.name, localPath: p, sha256: e.content, failedPermanently: true }));
      return;
    }
    case 'explicit': {
      const recordId = e.pending ? w.nextRecordId : undefined;
      const p = put(e.inMirror ? MIRROR_DIR : OUTSIDE_DIR, e.name, e.content, { explicit: true, ...(recordId ? { pendingRecordId: recordId } : {}) });
      if (p && recordId) w.known.push(newRecord(w, { fileName: e.name, localPath: p, sha256: e.content }));
      return;
    }
    case 'softDeleted': {
      const id = relation(e.name, e.content, e.content);
      const p = e.localFile ? put(MIRROR_DIR, e.name, e.content) : null;
      if (!p && w.known.some((k) => k.localPath === path.join(MIRROR_DIR, e.name))) return;
      w.known.push(newRecord(w, { fileName: e.name, localPath: p ?? path.join(MIRROR_DIR, e.name), sha256: e.content, attachmentId: id, synced: true, deleted: true }));
      return;
    }
  }
}
