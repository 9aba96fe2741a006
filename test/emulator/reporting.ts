// Reporting work item revisions: a project-wide stream of (id, rev, fields) paged by an opaque
// continuation token (here the revision watermark), with isLastBatch and nextLink (D-REP).
import type { RouteEnv } from './routes';
import { AdoError, type RequestContext, isRecord, sendJson } from './wire';

const DEFAULT_PAGE = 1000;
const MAX_PAGE = 1000;

export function reportingRevisions(ctx: RequestContext, env: RouteEnv, body: unknown): void {
  const q = ctx.url.searchParams;
  const token = q.get('continuationToken');
  // The service ignores startDateTime when a continuationToken is given (ado-behaviour.md §4).
  const start = token ? null : q.get('startDateTime');
  const opts = isRecord(body) ? body : {};
  const fields = Array.isArray(opts.fields) ? opts.fields.map(String) : q.get('fields')?.split(',').filter(Boolean);
  const known = knownFields(env);
  const unknown = fields?.find((f) => !known.has(f.toLowerCase()));
  if (unknown) throw new AdoError(400, `TF51535: Cannot find field ${unknown}.`, 'WorkItemTrackingFieldDefinitionNotFoundException');
  const types = Array.isArray(opts.types) ? opts.types.map(String) : q.get('types')?.split(',').filter(Boolean);
  const expand = (q.get('$expand') ?? 'none').toLowerCase();
  if (expand === 'fields' && fields?.length) throw new AdoError(400, 'The expand parameter can not be used with the fields parameter.', 'ConflictingParametersException');
  const includeLatestOnly = (opts.includeLatestOnly ?? q.get('includeLatestOnly')) === true || q.get('includeLatestOnly') === 'true';
  const pageSize = Math.min(MAX_PAGE, Number(q.get('$maxPageSize') ?? DEFAULT_PAGE) || DEFAULT_PAGE);
  const after = token ? Number(token.split(';')[0]) : 0;
  if (!Number.isFinite(after)) throw new AdoError(400, `The continuation token '${token}' is not valid.`, 'InvalidArgumentValueException');
  const since = start ? Date.parse(start) : undefined;
  // Deleted items only with includeDeleted, and then with System.IsDeleted (DEC WorkItemRetrievalMode).
  const includeDeleted = opts.includeDeleted === true || q.get('includeDeleted') === 'true';
  const all = [...env.state.workItems.values()].filter((item) => includeDeleted || !item.deleted).flatMap((item) =>
    (includeLatestOnly ? item.revisions.slice(-1) : item.revisions).map((r) => ({ item, r })),
  )
    .filter(({ r }) => r.watermark > after)
    .filter(({ r }) => since === undefined || Date.parse(String(r.fields['System.ChangedDate'])) >= since)
    .filter(({ r }) => !types || types.includes(String(r.fields['System.WorkItemType'])))
    .sort((a, b) => a.r.watermark - b.r.watermark);
  const page = all.slice(0, pageSize);
  // An empty page still moves the position to "now" when startDateTime skipped older revisions, as the
  // service does: the token then resumes after them, not from the beginning of the feed.
  const skipped = since === undefined ? 0 : Math.max(0, ...[...env.state.workItems.values()].flatMap((item) =>
    item.revisions.filter((r) => Date.parse(String(r.fields['System.ChangedDate'])) < since).map((r) => r.watermark)));
  const next = String(page.length ? page[page.length - 1].r.watermark : Math.max(after, skipped));
  const values = page.map(({ item, r }) => {
    const source = expand === 'fields' || !fields ? r.fields : Object.fromEntries(fields.filter((f) => f in r.fields).map((f) => [f, r.fields[f]]));
    const out: Record<string, unknown> = { ...source };
    delete out['System.Watermark'];
    for (const [k, v] of Object.entries(out)) if (isRecord(v) && 'uniqueName' in v) out[k] = `${String(v.displayName)} <${String(v.uniqueName)}>`;
    if (includeDeleted) out['System.IsDeleted'] = item.deleted && r === item.revisions[item.revisions.length - 1];
    return { id: item.id, rev: r.rev, fields: out };
  });
  const base = `${ctx.collectionUrl}${ctx.projectSegment ? `/${env.state.projectId}` : ''}/_apis/wit/reporting/workItemRevisions`;
  const carry = new URLSearchParams();
  if (fields && !Array.isArray(opts.fields)) carry.set('fields', fields.join(','));
  if (types && !Array.isArray(opts.types)) carry.set('types', types.join(','));
  if (includeDeleted && opts.includeDeleted === undefined) carry.set('includeDeleted', 'true');
  carry.set('continuationToken', next);
  carry.set('api-version', ctx.apiVersion);
  sendJson(ctx, 200, { values, nextLink: `${base}?${carry.toString()}`, continuationToken: next, isLastBatch: all.length <= pageSize });
}

const STANDARD_FIELDS = ['System.Id', 'System.Rev', 'System.ChangedDate', 'System.ChangedBy', 'System.CreatedDate', 'System.CreatedBy', 'System.TeamProject', 'System.WorkItemType',
  'System.Title', 'System.State', 'System.Reason', 'System.AreaPath', 'System.IterationPath', 'System.AssignedTo', 'System.IsDeleted', 'System.AttachedFileCount', 'System.Tags', 'System.Description', 'System.History'];

/** Field reference names the collection defines: the standard ones and any a work item carries. */
function knownFields(env: RouteEnv): Set<string> {
  const names = new Set(STANDARD_FIELDS.map((f) => f.toLowerCase()));
  for (const item of env.state.workItems.values()) for (const key of Object.keys(item.fields)) names.add(key.toLowerCase());
  return names;
}
