// Linking uploaded attachments to work items, and unlinking them. Both read the item, then
// PATCH with `test /rev` so a concurrent change cannot bite; on 412/409 they read again and retry
// (bounded). Linking first looks for the attachment among the relations, so a retry after a lost
// response never adds it twice (ADO refuses a second relation to the same attachment).
import { type AdoContext } from './context';
import { AdoError, ConflictError } from './errors';
import { fitRelationComment } from './relationComment';
import type { JsonPatchOperation, WorkItem, WorkItemRelation } from './types';
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
  /** The attachment's size in bytes; by default the size this client uploaded under that URL. */
  resourceSize?: number;
  signal?: AbortSignal;
}

export interface LinkResult {
  workItem: WorkItem;
  relation: WorkItemRelation;
  /** True when the relation was already there (possibly from an earlier try of this call). */
  alreadyLinked: boolean;
}

export interface LinkSpec {
  url: string;
  /** Shortened to the 255 characters ADO accepts, keeping a trailing [sha256:...] marker. */
  comment?: string;
  name?: string;
  resourceSize?: number;
}

export interface LinkOutcome {
  url: string;
  status: 'linked' | 'alreadyLinked' | 'failed';
  error?: Error;
}

export interface BatchLinkResult {
  /** The item as the last PATCH (or read) answered it. */
  workItem: WorkItem;
  /** One per link, in the order given. */
  results: LinkOutcome[];
}

/**
 * Most AttachedFile additions in one PATCH. The decompiled service shows no per-request operation
 * limit for work item patches (WorkItemPatchDocument, WorkItemTrackingApiController); the limit
 * that applies is 100 attachments per work item (VS403313), counted over the whole item, so a
 * larger PATCH could never succeed.
 */
export const MAX_LINKS_PER_PATCH = 100;

const RELATION_ALREADY_EXISTS = 'RelationAlreadyExistsException';

/**
 * Links attachments to one work item: reads it, leaves out those already related ('alreadyLinked'),
 * and adds the rest in one PATCH with `test /rev` (split only past MAX_LINKS_PER_PATCH). A 412/409
 * reads again and plans again (bounded). When ADO refuses a batch with a 400 (a relation that
 * exists, a comment, VS403313), the links of that batch go one by one so each gets its own result.
 */
export interface BatchLinkOptions {
  signal?: AbortSignal;
  /** The work item with its relations as the caller last read it: saves a read (a change since is a 412, then read). */
  current?: WorkItem;
}

export async function linkAttachments(context: AdoContext, workItemId: number, links: readonly LinkSpec[], options: BatchLinkOptions = {}): Promise<BatchLinkResult> {
  const results: (LinkOutcome | undefined)[] = links.map((link) => (validAttachmentUrl(link.url) ? undefined : { url: link.url, status: 'failed', error: new TypeError(`Not an attachment URL: "${link.url}"`) }));
  const read = () => getWorkItem(context, workItemId, { expand: 'relations', signal: options.signal });
  let item = options.current ?? await read();
  // A work item read by the caller may have changed since: its first conflict is that, not a race.
  let conflicts = options.current ? -1 : 0;
  for (;;) {
    const pending = plan(item, links, results);
    if (pending.length === 0) return { workItem: item, results: results as LinkOutcome[] };
    const batch = pending.slice(0, MAX_LINKS_PER_PATCH);
    try {
      item = await updateWorkItem(context, workItemId, batch.map((i) => addOperation(context, links[i])), { expectedRev: item.rev, expand: 'relations', signal: options.signal });
      for (const i of batch) results[i] = { url: links[i].url, status: 'linked' };
    } catch (error) {
      if (error instanceof ConflictError && conflicts < context.conflictRetries) {
        conflicts += 1;
        context.transport.log('info', `Work item ${workItemId} changed meanwhile (${error.status}); reading it again.`);
        item = await read();
      } else if (isRefusal(error) && batch.length > 1) {
        context.transport.log('info', `Linking ${batch.length} attachments to work item ${workItemId} in one request was refused (${error.serverMessage ?? error.status}); linking them one by one.`);
        for (const i of batch) ({ item, outcome: results[i] } = await linkOne(context, workItemId, item, links[i], read, options.signal));
      } else if (isRefusal(error) || error instanceof ConflictError) {
        for (const i of batch) results[i] = { url: links[i].url, status: 'failed', error };
      } else throw error;
    }
  }
}

/** A 400: ADO refused what we sent (a relation that exists, a comment, VS403313, an unknown attachment). */
function isRefusal(error: unknown): error is AdoError {
  return error instanceof AdoError && error.status === 400;
}

function validAttachmentUrl(url: string): boolean {
  try {
    attachmentIdFromUrl(url);
    return true;
  } catch {
    return false;
  }
}

/** Indexes still to link; marks those already related (or given twice) as alreadyLinked. */
function plan(item: WorkItem, links: readonly LinkSpec[], results: (LinkOutcome | undefined)[]): number[] {
  const pending: number[] = [];
  const planned = new Set<string>();
  links.forEach((link, i) => {
    if (results[i]) return;
    const id = attachmentIdFromUrl(link.url);
    if (findAttachmentRelation(item, id) || planned.has(id)) results[i] = { url: link.url, status: 'alreadyLinked' };
    else {
      planned.add(id);
      pending.push(i);
    }
  });
  return pending;
}

function addOperation(context: AdoContext, link: LinkSpec): JsonPatchOperation {
  const attributes: Record<string, string | number> = {};
  if (link.comment !== undefined) attributes.comment = fitRelationComment(link.comment);
  if (link.name !== undefined) attributes.name = link.name;
  const size = link.resourceSize ?? context.uploadedSizes.get(attachmentIdFromUrl(link.url));
  if (size !== undefined && size > 0) attributes.resourceSize = size;
  return { op: 'add', path: '/relations/-', value: { rel: ATTACHED_FILE, url: link.url, attributes } };
}

/** One link on its own, re-reading after a conflict (bounded); a 400 is this link's own failure. */
async function linkOne(context: AdoContext, workItemId: number, current: WorkItem, link: LinkSpec, read: () => Promise<WorkItem>, signal?: AbortSignal): Promise<{ item: WorkItem; outcome: LinkOutcome }> {
  let item = current;
  for (let conflicts = 0; ; conflicts++) {
    if (findAttachmentRelation(item, link.url)) return { item, outcome: { url: link.url, status: 'alreadyLinked' } };
    try {
      item = await updateWorkItem(context, workItemId, [addOperation(context, link)], { expectedRev: item.rev, expand: 'relations', signal });
      return { item, outcome: { url: link.url, status: 'linked' } };
    } catch (error) {
      const conflict = error instanceof ConflictError || (isRefusal(error) && error.typeKey === RELATION_ALREADY_EXISTS);
      if (conflict && conflicts < context.conflictRetries) {
        item = await read();
        continue;
      }
      if (isRefusal(error) || error instanceof ConflictError) return { item, outcome: { url: link.url, status: 'failed', error } };
      throw error;
    }
  }
}

export async function linkAttachment(context: AdoContext, workItemId: number, url: string, options: LinkOptions = {}): Promise<LinkResult> {
  const { workItem, results } = await linkAttachments(context, workItemId, [{ url, comment: options.comment, name: options.name, resourceSize: options.resourceSize }], { signal: options.signal });
  const [outcome] = results;
  if (outcome.status === 'failed') throw outcome.error ?? new Error(`Linking ${url} failed`);
  const found = findAttachmentRelation(workItem, url);
  return { workItem, relation: found?.relation ?? { rel: ATTACHED_FILE, url, attributes: {} }, alreadyLinked: outcome.status === 'alreadyLinked' };
}

export interface UnlinkResult {
  workItem: WorkItem;
  /** False when the attachment was not linked (nothing to do). */
  removed: boolean;
}

/**
 * Removes the relation by its link id (`/relations/AttachedFile/{attributes.id}`), which does not
 * shift when someone else edits the list meanwhile, with `test /rev`; 412/409 read again and retry.
 */
export async function removeAttachmentRelation(context: AdoContext, workItemId: number, urlOrId: string, options: { signal?: AbortSignal } = {}): Promise<UnlinkResult> {
  let tried = false;
  return withConflictRetries(context, async () => {
    const item = await getWorkItem(context, workItemId, { expand: 'relations', signal: options.signal });
    const found = findAttachmentRelation(item, urlOrId);
    // Gone after a try of ours whose answer was lost: that try removed it.
    if (!found) return { workItem: item, removed: tried };
    tried = true;
    const linkId = found.relation.attributes?.id;
    const path = typeof linkId === 'number' ? `/relations/${ATTACHED_FILE}/${linkId}` : `/relations/${found.index}`;
    const updated = await updateWorkItem(context, workItemId, [{ op: 'remove', path }], {
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
