// Linking uploaded attachments to work items, and unlinking them. Both read the item, then
// PATCH with `test /rev` so a concurrent change cannot shift relation indexes under us; on 412
// they read again and retry (bounded). Linking first looks for the attachment among the
// relations, so a retry after a lost response never adds it twice.
import { type AdoContext } from './context';
import { ConflictError } from './errors';
import type { WorkItem, WorkItemRelation } from './types';
import { getWorkItem, updateWorkItem } from './workItems';

export const ATTACHED_FILE = 'AttachedFile';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The attachment GUID: the last path segment of its URL (query ignored), or the id itself. */
export function attachmentIdFromUrl(urlOrId: string): string {
  const text = urlOrId.trim();
  if (GUID.test(text)) return text.toLowerCase();
  let segments: string[];
  try {
    segments = new URL(text).pathname.split('/').filter((s) => s !== '');
  } catch {
    throw new TypeError(`Not an attachment URL or id: "${text}"`);
  }
  const last = decodeURIComponent(segments[segments.length - 1] ?? '');
  const attachmentsAt = segments.findIndex((s) => s.toLowerCase() === 'attachments');
  if (!GUID.test(last) || attachmentsAt !== segments.length - 2) throw new TypeError(`Not an attachment URL: "${text}"`);
  return last.toLowerCase();
}

/** The AttachedFile relation for this attachment, and its index in item.relations. */
export function findAttachmentRelation(item: WorkItem, urlOrId: string): { relation: WorkItemRelation; index: number } | undefined {
  const id = attachmentIdFromUrl(urlOrId);
  const relations = item.relations ?? [];
  const index = relations.findIndex((r) => r.rel === ATTACHED_FILE && sameAttachment(r.url, id));
  return index === -1 ? undefined : { relation: relations[index], index };
}

function sameAttachment(url: string, id: string): boolean {
  try {
    return attachmentIdFromUrl(url) === id;
  } catch {
    return false;
  }
}

export interface LinkOptions {
  comment?: string;
  /** File name shown in ADO. */
  name?: string;
  signal?: AbortSignal;
}

export interface LinkResult {
  workItem: WorkItem;
  relation: WorkItemRelation;
  /** True when the relation was already there (possibly from an earlier try of this call). */
  alreadyLinked: boolean;
}

export async function linkAttachment(context: AdoContext, workItemId: number, url: string, options: LinkOptions = {}): Promise<LinkResult> {
  return withConflictRetries(context, async () => {
    const item = await getWorkItem(context, workItemId, { expand: 'relations', signal: options.signal });
    const existing = findAttachmentRelation(item, url);
    if (existing) return { workItem: item, relation: existing.relation, alreadyLinked: true };
    const attributes: Record<string, string> = {};
    if (options.comment !== undefined) attributes.comment = options.comment;
    if (options.name !== undefined) attributes.name = options.name;
    const updated = await updateWorkItem(context, workItemId, [{ op: 'add', path: '/relations/-', value: { rel: ATTACHED_FILE, url, attributes } }], {
      expectedRev: item.rev,
      expand: 'relations',
      signal: options.signal,
    });
    const added = findAttachmentRelation(updated, url);
    return { workItem: updated, relation: added?.relation ?? { rel: ATTACHED_FILE, url, attributes }, alreadyLinked: false };
  });
}

export interface UnlinkResult {
  workItem: WorkItem;
  /** False when the attachment was not linked (nothing to do). */
  removed: boolean;
}

export async function removeAttachmentRelation(context: AdoContext, workItemId: number, urlOrId: string, options: { signal?: AbortSignal } = {}): Promise<UnlinkResult> {
  let tried = false;
  return withConflictRetries(context, async () => {
    const item = await getWorkItem(context, workItemId, { expand: 'relations', signal: options.signal });
    const found = findAttachmentRelation(item, urlOrId);
    // Gone after a try of ours whose answer was lost: that try removed it.
    if (!found) return { workItem: item, removed: tried };
    tried = true;
    const updated = await updateWorkItem(context, workItemId, [{ op: 'remove', path: `/relations/${found.index}` }], {
      expectedRev: item.rev,
      expand: 'relations',
      signal: options.signal,
    });
    return { workItem: updated, removed: true };
  });
}

async function withConflictRetries<T>(context: AdoContext, run: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= context.conflictRetries) throw error;
      context.transport.log('info', `Work item changed meanwhile (${error.status}); reading it again.`);
    }
  }
}
