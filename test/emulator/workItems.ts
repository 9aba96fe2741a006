// Work item operations: JSON Patch application (atomic), relations with the attributes the
// service fills in, revisions/updates bookkeeping and the wire rendering of a WorkItem.
import { AdoError, adoDate, END_OF_TIME, isRecord } from './wire';
import { type EmulatorState, type Identity, type Relation, type WorkItem, type WorkItemUpdate, type FieldChange, IDENTITY_FIELDS } from './state';

export const MAX_ATTACHMENTS_PER_ITEM = 100;
const ATTACHMENT_URL = /\/_apis\/wit\/attachments\/([0-9a-fA-F-]{36})/;
const WORK_ITEM_URL = /\/_apis\/wit\/workItems\/(\d+)/i;
const LINK_NAMES: Record<string, string> = {
  'System.LinkTypes.Hierarchy-Reverse': 'Parent',
  'System.LinkTypes.Hierarchy-Forward': 'Child',
  'System.LinkTypes.Related': 'Related',
};
const REVERSE: Record<string, string> = {
  'System.LinkTypes.Hierarchy-Reverse': 'System.LinkTypes.Hierarchy-Forward',
  'System.LinkTypes.Hierarchy-Forward': 'System.LinkTypes.Hierarchy-Reverse',
  'System.LinkTypes.Related': 'System.LinkTypes.Related',
};

export interface PatchOperation {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

export interface ChangeOptions {
  collectionUrl: string;
  by: Identity;
  /** Notified after a successful change (service-hook delivery). */
  onChange?: (item: WorkItem, update: WorkItemUpdate, created: boolean) => void;
}

export function notFound(id: number | string): AdoError {
  return new AdoError(404, `TF401232: Work item ${id} does not exist, or you do not have permissions to read it.`, 'WorkItemUnauthorizedAccessException');
}

function badPatch(message: string): AdoError {
  return new AdoError(400, message, 'WorkItemPatchException');
}

const NUMERIC_OPS = ['add', 'remove', 'replace', 'move', 'copy', 'test'];

export function parseOperations(body: unknown): PatchOperation[] {
  if (!Array.isArray(body)) throw badPatch('You must pass a valid patch document in the body of the request.');
  return body.map((op: unknown) => {
    // The official Node client serializes its Operation enum as numbers (Add = 0 ... Test = 5).
    const name = typeof op === 'object' && op !== null && typeof (op as { op?: unknown }).op === 'number' ? NUMERIC_OPS[(op as { op: number }).op] : undefined;
    if (!isRecord(op) || (typeof op.op !== 'string' && name === undefined) || typeof op.path !== 'string') throw badPatch('You must pass a valid patch document in the body of the request.');
    return { op: name ?? String(op.op).toLowerCase(), path: op.path, value: op.value, from: typeof op.from === 'string' ? op.from : undefined };
  });
}

export function workItemUrl(collectionUrl: string, id: number): string {
  return `${collectionUrl}/_apis/wit/workItems/${id}`;
}

export function attachmentUrl(collectionUrl: string, id: string): string {
  return `${collectionUrl}/_apis/wit/attachments/${id}`;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Applies a JSON Patch to a copy; nothing is stored unless every operation succeeds. */
export function applyPatch(state: EmulatorState, item: WorkItem, ops: PatchOperation[], options: ChangeOptions, now: Date): { fields: Record<string, unknown>; relations: Relation[]; added: Relation[]; removed: Relation[]; updated: Relation[] } {
  const fields = clone(item.fields);
  const relations = clone(item.relations);
  const added: Relation[] = [];
  const removed: Relation[] = [];
  const updated: Relation[] = [];
  for (const op of ops) {
    if (op.path === '/rev' || op.path === '/Rev' || op.path === '/id') {
      if (op.op === 'test') {
        const actual = op.path === '/id' ? item.id : item.rev;
        if (Number(op.value) !== actual) {
          throw new AdoError(412, `VS403351: Test Operation for path ${op.path} failed, value ${actual} was not equal to test value ${String(op.value)}.`, 'TestPatchOperationFailedException');
        }
        continue;
      }
      throw badPatch(`VS402403: Work item patch does not support patching the top level property at path ${op.path}.`);
    }
    const fieldMatch = /^\/fields\/(.+)$/.exec(op.path);
    if (fieldMatch) {
      const name = fieldMatch[1];
      if (op.op === 'add' || op.op === 'replace') fields[name] = op.value;
      else if (op.op === 'remove') delete fields[name];
      else if (op.op === 'test') {
        if (JSON.stringify(fields[name]) !== JSON.stringify(op.value)) throw new AdoError(412, `VS403351: Test Operation for path ${op.path} failed, value ${JSON.stringify(fields[name])} was not equal to test value ${JSON.stringify(op.value)}.`, 'TestPatchOperationFailedException');
      } else throw badPatch(`Operation ${op.op} is not supported on ${op.path}.`);
      continue;
    }
    if (op.path === '/relations/-' && op.op === 'add') {
      const relation = newRelation(state, op.value, options.collectionUrl, now);
      if (relation.rel === 'AttachedFile' && relations.some((r) => r.rel === 'AttachedFile' && r.url === relation.url)) {
        throw new AdoError(400, `Relation already exists: ${relation.url} is already attached to work item ${item.id}.`, 'RelationAlreadyExistsException');
      }
      relations.push(relation);
      added.push(relation);
      continue;
    }
    // Removal by link id: /relations/{linkType}/{attributes.id} (WorkItemPatchDocument).
    const byId = /^\/relations\/([A-Za-z.-]+)\/(\d+)$/.exec(op.path);
    if (byId) {
      if (op.op === 'test') throw badPatch('VS403353: Test operation is not supported for relations.');
      if (op.op !== 'remove') throw badPatch(`VS403340: The relation path ${op.path} is not valid for Remove.`);
      const index = relations.findIndex((r) => r.rel.toLowerCase() === byId[1].toLowerCase() && Number(r.attributes.id) === Number(byId[2]));
      if (index < 0) throw badPatch(`VS403345: The relation ${byId[1]} with id ${byId[2]} does not exist on work item ${item.id}.`);
      removed.push(...relations.splice(index, 1));
      continue;
    }
    const relMatch = /^\/relations\/(\d+)(\/attributes\/(\w+))?$/.exec(op.path);
    if (relMatch) {
      const index = Number(relMatch[1]);
      const target = relations[index];
      if (!target) throw badPatch(`VS403342: The index of the relation at path ${op.path} is out of range.`);
      if (op.op === 'test') throw badPatch('VS403353: Test operation is not supported for relations.');
      if (relMatch[3]) {
        if (relMatch[3] !== 'comment' || !['add', 'replace'].includes(op.op)) throw badPatch(`Only the comment attribute of a relation can be changed.`);
        checkComment(op.value);
        target.attributes.comment = op.value;
        updated.push(target);
      } else if (op.op === 'remove') {
        removed.push(...relations.splice(index, 1));
      } else if (op.op === 'replace') {
        if (target.rel === 'AttachedFile') throw badPatch('VS403649: Work item patch does not support replacing attached file or its content');
        const relation = newRelation(state, op.value, options.collectionUrl, now);
        removed.push(target);
        relations[index] = relation;
        added.push(relation);
      } else throw badPatch(`Operation ${op.op} is not supported on ${op.path}.`);
      continue;
    }
    throw badPatch(`The path ${op.path} is not valid for a work item patch.`);
  }
  const attachmentCount = relations.filter((r) => r.rel === 'AttachedFile').length;
  if (added.some((r) => r.rel === 'AttachedFile') && attachmentCount > MAX_ATTACHMENTS_PER_ITEM) {
    throw new AdoError(400, `VS403313: The number of attachments exceeded the limit. One work item should contain no more than ${MAX_ATTACHMENTS_PER_ITEM} attachments.`, 'WorkItemMaxAllowedAttachmentsLimitExceededException');
  }
  return { fields, relations, added, removed, updated };
}

/** Longest relation comment the service stores (MIG #2886: longer ones are refused). */
export const MAX_RELATION_COMMENT = 255;

function checkComment(comment: unknown): void {
  if (typeof comment === 'string' && comment.length > MAX_RELATION_COMMENT) {
    throw new AdoError(400, `The comment of a relation is ${comment.length} characters long; the maximum is ${MAX_RELATION_COMMENT}.`, 'WorkItemFieldInvalidException');
  }
}

function newRelation(state: EmulatorState, value: unknown, collectionUrl: string, now: Date): Relation {
  if (!isRecord(value) || typeof value.rel !== 'string' || typeof value.url !== 'string') throw badPatch('A relation needs rel and url.');
  const given = isRecord(value.attributes) ? value.attributes : {};
  checkComment(given.comment);
  const date = adoDate(now);
  if (value.rel === 'AttachedFile') {
    const match = ATTACHMENT_URL.exec(value.url);
    const attachment = match ? state.attachments.get(match[1].toLowerCase()) : undefined;
    if (!attachment || !attachment.complete) throw badPatch(`TF401089: The attachment ${value.url} could not be found or its upload is not complete.`);
    const queryName = new URL(value.url, 'http://x').searchParams.get('fileName');
    const attributes: Record<string, unknown> = {
      authorizedDate: date,
      id: state.nextLinkId++,
      resourceCreatedDate: typeof given.resourceCreatedDate === 'string' ? given.resourceCreatedDate : date,
      resourceModifiedDate: typeof given.resourceModifiedDate === 'string' ? given.resourceModifiedDate : date,
      revisedDate: END_OF_TIME,
      // A claim of the linking client; the server measures the file only when it is 0 or absent.
      resourceSize: typeof given.resourceSize === 'number' && given.resourceSize > 0 ? given.resourceSize : attachment.size,
      name: typeof given.name === 'string' ? given.name : (queryName ?? attachment.fileName),
    };
    if (typeof given.comment === 'string' && given.comment !== '') attributes.comment = given.comment;
    return { rel: 'AttachedFile', url: attachmentUrl(collectionUrl, attachment.id), attributes };
  }
  if (value.rel === 'Hyperlink' || value.rel === 'ArtifactLink') {
    const attributes: Record<string, unknown> = { authorizedDate: date, id: state.nextLinkId++, resourceCreatedDate: date, resourceModifiedDate: date, revisedDate: END_OF_TIME, ...given };
    return { rel: value.rel, url: value.url, attributes };
  }
  const target = WORK_ITEM_URL.exec(value.url);
  if (!target || !LINK_NAMES[value.rel]) throw badPatch(`TF201036: The link type ${value.rel} or its target ${value.url} is not valid.`);
  const targetId = Number(target[1]);
  if (!state.liveWorkItem(targetId)) throw notFound(targetId);
  return { rel: value.rel, url: workItemUrl(collectionUrl, targetId), attributes: { isLocked: false, name: LINK_NAMES[value.rel], ...(typeof given.comment === 'string' ? { comment: given.comment } : {}) } };
}

function diffFields(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, FieldChange> {
  const changes: Record<string, FieldChange> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    const change: FieldChange = {};
    if (key in before) change.oldValue = before[key];
    if (key in after) change.newValue = after[key];
    changes[key] = change;
  }
  return changes;
}

/** Stores a new revision of `item` with the given content; records the update. */
export function commitRevision(
  state: EmulatorState,
  item: WorkItem,
  next: { fields: Record<string, unknown>; relations: Relation[]; added: Relation[]; removed: Relation[]; updated: Relation[] },
  options: ChangeOptions,
  now: Date,
  created: boolean,
): WorkItemUpdate {
  const before = item.fields;
  const fields = next.fields;
  item.rev += 1;
  fields['System.Id'] = item.id;
  fields['System.Rev'] = item.rev;
  fields['System.ChangedDate'] = adoDate(now);
  fields['System.ChangedBy'] = options.by;
  fields['System.AuthorizedDate'] = adoDate(now);
  fields['System.RevisedDate'] = END_OF_TIME;
  fields['System.Watermark'] = state.nextWatermark();
  fields['System.AttachedFileCount'] = next.relations.filter((r) => r.rel === 'AttachedFile').length;
  fields['System.RelatedLinkCount'] = next.relations.filter((r) => r.rel.startsWith('System.LinkTypes')).length;
  const previous = item.revisions[item.revisions.length - 1];
  if (previous) previous.fields['System.RevisedDate'] = adoDate(now);
  delete fields['System.History'];
  const history = next.fields['System.History'];
  item.fields = fields;
  item.relations = next.relations;
  const update: WorkItemUpdate = { id: item.updates.length + 1, workItemId: item.id, rev: item.rev, revisedBy: options.by, revisedDate: END_OF_TIME, fields: diffFields(before, fields) };
  if (history !== undefined && update.fields) update.fields['System.History'] = { newValue: history };
  const relationChanges = relationDelta(next);
  if (relationChanges) update.relations = relationChanges;
  const lastUpdate = item.updates[item.updates.length - 1];
  if (lastUpdate) lastUpdate.revisedDate = adoDate(now);
  item.updates.push(update);
  item.revisions.push({ rev: item.rev, fields: clone(fields), relations: clone(next.relations), watermark: Number(fields['System.Watermark']) });
  linkReverse(state, item, next, options, now);
  options.onChange?.(item, update, created);
  return update;
}

function relationDelta(next: { added: Relation[]; removed: Relation[]; updated: Relation[] }): WorkItemUpdate['relations'] | undefined {
  const delta: NonNullable<WorkItemUpdate['relations']> = {};
  if (next.added.length) delta.added = clone(next.added);
  if (next.removed.length) delta.removed = clone(next.removed);
  if (next.updated.length) delta.updated = clone(next.updated);
  return Object.keys(delta).length ? delta : undefined;
}

/** Work item links are two-way: the other end gets the reverse link as an update without a rev bump. */
function linkReverse(state: EmulatorState, item: WorkItem, next: { added: Relation[]; removed: Relation[] }, options: ChangeOptions, now: Date): void {
  const apply = (relation: Relation, add: boolean) => {
    const reverse = REVERSE[relation.rel];
    const match = WORK_ITEM_URL.exec(relation.url);
    if (!reverse || !match) return;
    const other = state.liveWorkItem(Number(match[1]));
    if (!other) return;
    const url = workItemUrl(options.collectionUrl, item.id);
    const rel: Relation = { rel: reverse, url, attributes: { isLocked: false, name: LINK_NAMES[reverse] } };
    if (add) other.relations.push(rel);
    else other.relations = other.relations.filter((r) => !(r.rel === reverse && WORK_ITEM_URL.exec(r.url)?.[1] === String(item.id)));
    other.updates.push({ id: other.updates.length + 1, workItemId: other.id, rev: other.rev, revisedBy: options.by, revisedDate: adoDate(now), relations: add ? { added: [rel] } : { removed: [rel] } });
  };
  next.added.forEach((r) => apply(r, true));
  next.removed.forEach((r) => apply(r, false));
}

export function createWorkItem(state: EmulatorState, type: string, ops: PatchOperation[], options: ChangeOptions, now = new Date()): WorkItem {
  const item: WorkItem = { id: 0, rev: 0, fields: {}, relations: [], deleted: false, updates: [], revisions: [] };
  const next = applyPatch(state, item, ops, options, now);
  if (typeof next.fields['System.Title'] !== 'string' || next.fields['System.Title'].trim() === '') {
    throw new AdoError(400, "TF401320: Rule Error for field Title. Error code: Required, HasValues, LimitedToValues, AllowsOldValue, InvalidEmpty.", 'RuleValidationException');
  }
  item.id = state.nextWorkItemId++;
  const date = adoDate(now);
  next.fields = {
    'System.AreaPath': state.projectName,
    'System.TeamProject': state.projectName,
    'System.IterationPath': state.projectName,
    'System.State': defaultState(type),
    'System.Reason': 'New',
    ...next.fields,
    'System.WorkItemType': type,
    'System.CreatedDate': date,
    'System.CreatedBy': options.by,
  };
  state.workItems.set(item.id, item);
  commitRevision(state, item, next, options, now, true);
  return item;
}

export function updateWorkItem(state: EmulatorState, item: WorkItem, ops: PatchOperation[], options: ChangeOptions, validateOnly: boolean, now = new Date()): WorkItem {
  const next = applyPatch(state, item, ops, options, now);
  if (validateOnly) return { ...item, fields: next.fields, relations: next.relations };
  commitRevision(state, item, next, options, now, false);
  return item;
}

export function defaultState(type: string): string {
  return type === 'Bug' || type === 'Task' || type === 'Test Case' ? (type === 'Task' ? 'To Do' : type === 'Bug' ? 'New' : 'Design') : 'New';
}

export type Expand = 'none' | 'relations' | 'fields' | 'links' | 'all';

export function parseExpand(value: string | null | undefined): Expand {
  // The official Node client sends its WorkItemExpand enum as a number (None = 0 ... All = 4).
  const numeric = value !== null && value !== undefined && /^\d$/.test(value) ? ['none', 'relations', 'fields', 'links', 'all'][Number(value)] : undefined;
  const v = numeric ?? (value ?? 'none').toLowerCase();
  if (v === 'none' || v === 'relations' || v === 'fields' || v === 'links' || v === 'all') return v;
  throw new AdoError(400, `The value '${value}' is not valid for the expand parameter. Valid values are None, Relations, Fields, Links, All.`, 'InvalidArgumentValueException');
}

export function renderIdentity(collectionUrl: string, identity: Identity): Record<string, unknown> {
  const url = `${collectionUrl}/_apis/Identities/${identity.id}`;
  const avatar = `${collectionUrl}/_apis/GraphProfile/MemberAvatars/${identity.descriptor}`;
  return { displayName: identity.displayName, url, _links: { avatar: { href: avatar } }, id: identity.id, uniqueName: identity.uniqueName, imageUrl: avatar, descriptor: identity.descriptor };
}

export function renderFields(collectionUrl: string, fields: Record<string, unknown>, only?: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'System.Watermark' && !only) continue;
    if (key === 'System.AttachedFileCount' && !only?.includes(key)) continue;
    if (only && !only.some((f) => f.toLowerCase() === key.toLowerCase())) continue;
    out[key] = IDENTITY_FIELDS.has(key) && isRecord(value) ? renderIdentity(collectionUrl, value as unknown as Identity) : value;
  }
  return out;
}

export function renderWorkItem(collectionUrl: string, projectId: string, item: { id: number; rev: number; fields: Record<string, unknown>; relations: Relation[] }, expand: Expand, fields?: string[], revisionUrl = false): Record<string, unknown> {
  const url = workItemUrl(collectionUrl, item.id);
  const out: Record<string, unknown> = { id: item.id, rev: item.rev, fields: renderFields(collectionUrl, item.fields, fields) };
  if (expand === 'relations' || expand === 'all') out.relations = clone(item.relations);
  if (expand === 'links' || expand === 'all' || (!fields && expand !== 'fields')) {
    out._links = {
      self: { href: url },
      workItemUpdates: { href: `${url}/updates` },
      workItemRevisions: { href: `${url}/revisions` },
      workItemComments: { href: `${url}/comments` },
      html: { href: `${collectionUrl}/web/wi.aspx?pcguid=${projectId}&id=${item.id}` },
      workItemType: { href: `${collectionUrl}/${projectId}/_apis/wit/workItemTypes/${encodeURIComponent(String(item.fields['System.WorkItemType']))}` },
      fields: { href: `${collectionUrl}/_apis/wit/fields` },
    };
  }
  out.url = revisionUrl ? `${url}/revisions/${item.rev}` : url;
  return out;
}

export function renderUpdate(collectionUrl: string, update: WorkItemUpdate): Record<string, unknown> {
  const url = `${workItemUrl(collectionUrl, update.workItemId)}/updates/${update.id}`;
  const fields = update.fields ? Object.fromEntries(Object.entries(update.fields).map(([k, c]) => [k, renderChange(collectionUrl, k, c)])) : undefined;
  return {
    id: update.id,
    workItemId: update.workItemId,
    rev: update.rev,
    revisedBy: renderIdentity(collectionUrl, update.revisedBy),
    revisedDate: update.revisedDate,
    ...(fields ? { fields } : {}),
    ...(update.relations ? { relations: clone(update.relations) } : {}),
    _links: { self: { href: url }, workItemUpdates: { href: `${workItemUrl(collectionUrl, update.workItemId)}/updates` }, parent: { href: workItemUrl(collectionUrl, update.workItemId) } },
    url,
  };
}

function renderChange(collectionUrl: string, key: string, change: FieldChange): FieldChange {
  const map = (v: unknown) => (IDENTITY_FIELDS.has(key) && isRecord(v) ? renderIdentity(collectionUrl, v as unknown as Identity) : v);
  const out: FieldChange = {};
  if ('oldValue' in change) out.oldValue = map(change.oldValue);
  if ('newValue' in change) out.newValue = map(change.newValue);
  return out;
}
