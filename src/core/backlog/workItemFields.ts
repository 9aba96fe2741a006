// What an imported work item carries: title, description (HTML, as System.Description is),
// the two marker tags, optionally the Ardoq id in a field the user names, and its parent link.
import type { JsonPatchOperation, WorkItem } from '../ado';
import type { PlannedItem } from './backlogPlan';
import { componentTag, mergeTags, sourceTag } from './importMarkers';

export const PARENT_REL = 'System.LinkTypes.Hierarchy-Reverse';
const WORK_ITEM_ID = /\/_apis\/wit\/workItems\/(\d+)$/i;

export interface FieldOptions {
  sourceKey: string;
  /** e.g. Custom.ArdoqId: also write the Ardoq id there (the tag is always written). */
  idField?: string;
}

/** Plain text to the HTML System.Description holds. */
export function descriptionHtml(text: string | undefined): string {
  if (!text) return '';
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return escaped.replace(/\r?\n/g, '<br>');
}

export function fieldsForNew(item: PlannedItem, options: FieldOptions): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    'System.Title': item.name,
    'System.Tags': mergeTags('', [sourceTag(options.sourceKey), componentTag(item.ardoqId)]),
  };
  const description = descriptionHtml(item.description);
  if (description) fields['System.Description'] = description;
  if (options.idField) fields[options.idField] = item.ardoqId;
  return fields;
}

export function parentIdOf(workItem: WorkItem): number | undefined {
  const relation = workItem.relations?.find((r) => r.rel === PARENT_REL);
  const match = relation ? WORK_ITEM_ID.exec(relation.url) : null;
  return match ? Number(match[1]) : undefined;
}

/**
 * The patch that brings an earlier import up to date, or [] when nothing changed (no empty
 * revisions). Starts with `test /rev` so a concurrent edit fails instead of being overwritten
 * blindly, and so relation indexes cannot shift under the remove.
 */
export function updateOperations(existing: WorkItem, item: PlannedItem, parentUrl: string | undefined, options: FieldOptions): JsonPatchOperation[] {
  const ops: JsonPatchOperation[] = [];
  const fields = existing.fields;
  if (fields['System.Title'] !== item.name) ops.push({ op: 'add', path: '/fields/System.Title', value: item.name });
  const description = descriptionHtml(item.description);
  if ((fields['System.Description'] ?? '') !== description) ops.push({ op: 'add', path: '/fields/System.Description', value: description });
  const tags = mergeTags(fields['System.Tags'], [sourceTag(options.sourceKey), componentTag(item.ardoqId)]);
  if ((fields['System.Tags'] ?? '') !== tags) ops.push({ op: 'add', path: '/fields/System.Tags', value: tags });
  if (options.idField && fields[options.idField] !== item.ardoqId) ops.push({ op: 'add', path: `/fields/${options.idField}`, value: item.ardoqId });
  ops.push(...parentOperations(existing, parentUrl));
  return ops.length ? [{ op: 'test', path: '/rev', value: existing.rev }, ...ops] : [];
}

function parentOperations(existing: WorkItem, parentUrl: string | undefined): JsonPatchOperation[] {
  const relations = existing.relations ?? [];
  const index = relations.findIndex((r) => r.rel === PARENT_REL);
  const current = index >= 0 ? relations[index].url : undefined;
  if (sameWorkItemUrl(current, parentUrl)) return [];
  const ops: JsonPatchOperation[] = [];
  if (index >= 0) ops.push({ op: 'remove', path: `/relations/${index}` });
  if (parentUrl) ops.push({ op: 'add', path: '/relations/-', value: { rel: PARENT_REL, url: parentUrl } });
  return ops;
}

function sameWorkItemUrl(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return WORK_ITEM_ID.exec(a)?.[1] === WORK_ITEM_ID.exec(b)?.[1];
}
