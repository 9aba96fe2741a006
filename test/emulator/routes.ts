// The REST routes of the emulated collection (everything under /DefaultCollection[/{project}]/_apis).
import type { IncomingMessage } from 'node:http';
import type { EmulatorState, WorkItem } from './state';
import { AdoError, type RequestContext, adoDate, isRecord, readJson, sendJson } from './wire';
import { contentTypeFor, download, uploadChunk, uploadSimple } from './attachments';
import { createWorkItem, notFound, parseExpand, parseOperations, renderUpdate, renderWorkItem, updateWorkItem, workItemUrl, type ChangeOptions, type Expand } from './workItems';
import { checkLiterals, matches, parseWiql, sortValue, type WiqlContext } from './wiql';
import { resourceAreas, locationOptions, connectionData } from './discovery';
import { hookRoutes, type HookDispatcher } from './hooks';
import { reportingRevisions } from './reporting';
import type { Fidelity } from './fidelity';

export interface RouteEnv {
  state: EmulatorState;
  dataDir: string;
  maxAttachmentSize: number;
  hooks: HookDispatcher;
  /** Kind of body fault drawn for an upload ('reset-mid-body'), if any. */
  uploadFault: boolean;
  fidelity: Fidelity;
}

export type Handler = (ctx: RequestContext, params: string[], env: RouteEnv) => Promise<void> | void;

export interface Route {
  method: string;
  /** Regex on the path after `_apis/` (lower-cased match). */
  pattern: RegExp;
  /** Normalized name for statistics. */
  name: string;
  handler: Handler;
  /** true: needs no api-version (OPTIONS discovery). */
  noVersion?: boolean;
}

export const MAX_BATCH = 200;

function project(ctx: RequestContext, env: RouteEnv): void {
  const segment = ctx.projectSegment;
  if (segment !== undefined && segment.toLowerCase() !== env.state.projectName.toLowerCase() && segment.toLowerCase() !== env.state.projectId) {
    throw new AdoError(404, `TF200016: The following project does not exist: ${segment}. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server.`, 'ProjectDoesNotExistWithNameException');
  }
}

function projectJson(ctx: RequestContext, env: RouteEnv): Record<string, unknown> {
  const url = `${ctx.collectionUrl}/_apis/projects/${env.state.projectId}`;
  return {
    id: env.state.projectId,
    name: env.state.projectName,
    description: 'Demo project of the ADO emulator',
    url,
    state: 'wellFormed',
    revision: 11,
    visibility: 'private',
    lastUpdateTime: '2024-01-01T00:00:00Z',
  };
}

function changeOptions(ctx: RequestContext, env: RouteEnv, suppress: boolean): ChangeOptions {
  return {
    collectionUrl: ctx.collectionUrl,
    by: env.state.users[ctx.userIndex] ?? env.state.users[0],
    onChange: suppress ? undefined : (item, update, created) => env.hooks.workItemChanged(ctx.collectionUrl, item, update, created),
  };
}

function liveItem(env: RouteEnv, id: number): WorkItem {
  const item = env.state.liveWorkItem(id);
  if (!item) throw notFound(id);
  return item;
}

function fieldsParam(value: string | null | undefined): string[] | undefined {
  if (!value) return undefined;
  const list = value.split(',').map((f) => f.trim()).filter(Boolean);
  return list.length ? list : undefined;
}

function expandAndFields(expandRaw: string | null | undefined, fields: string[] | undefined): Expand {
  const expand = parseExpand(expandRaw);
  if (fields && expand !== 'none') throw new AdoError(400, 'The expand parameter can not be used with the fields parameter.', 'ConflictingParametersException');
  return expand;
}

function itemAsOf(item: WorkItem, asOf: string | null | undefined): { id: number; rev: number; fields: Record<string, unknown>; relations: WorkItem['relations'] } {
  if (!asOf) return item;
  const time = Date.parse(asOf);
  const revision = [...item.revisions].reverse().find((r) => Date.parse(String(r.fields['System.ChangedDate'])) <= time);
  if (!revision) throw notFound(item.id);
  return { id: item.id, rev: revision.rev, fields: revision.fields, relations: revision.relations };
}

function tooMany(count: number): AdoError {
  return new AdoError(400, `VS403474: You requested ${count} work items which exceeds the limit of ${MAX_BATCH}`, 'WorkItemsLimitExceededException');
}

function listItems(ctx: RequestContext, env: RouteEnv, ids: number[], expand: Expand, fields: string[] | undefined, errorPolicy: string, asOf: string | undefined): Record<string, unknown> {
  if (ids.length > MAX_BATCH) throw tooMany(ids.length);
  const value = ids.map((id) => {
    const item = env.state.liveWorkItem(id);
    if (!item) {
      if (errorPolicy.toLowerCase() === 'omit') return null;
      throw notFound(id);
    }
    return renderWorkItem(ctx.collectionUrl, env.state.projectId, itemAsOf(item, asOf), expand, fields);
  });
  return { count: value.length, value };
}

function parseIds(text: string | null): number[] {
  if (!text) throw new AdoError(400, 'The ids parameter is required.', 'ArgumentNullException');
  return text.split(',').map((s) => {
    const n = Number(s.trim());
    if (!Number.isInteger(n) || n <= 0) throw new AdoError(400, `The value '${s}' is not a valid work item id.`, 'InvalidArgumentValueException');
    return n;
  });
}

function requireContentType(req: IncomingMessage, allowed: string[]): void {
  const type = (req.headers['content-type'] ?? 'application/x-www-form-urlencoded').split(';')[0].trim().toLowerCase();
  if (!allowed.includes(type)) {
    throw new AdoError(400, `The request indicated a Content-Type of "${type}" for method type "${req.method}" which is not supported. Valid content types for this method are: application/json, application/json-patch+json, application/octet-stream.`, 'VssRequestContentTypeNotSupportedException');
  }
}

function deleteItem(ctx: RequestContext, env: RouteEnv, id: number, destroy: boolean): Record<string, unknown> {
  const item = liveItem(env, id);
  const now = adoDate();
  if (destroy) env.state.workItems.delete(id);
  else {
    item.deleted = true;
    item.fields['System.Watermark'] = env.state.nextWatermark();
    // The deletion moves the item's latest revision up the reporting feed (seen with includeDeleted).
    const latest = item.revisions[item.revisions.length - 1];
    if (latest) latest.watermark = Number(item.fields['System.Watermark']);
  }
  return {
    id,
    code: 200,
    type: item.fields['System.WorkItemType'],
    name: `${String(item.fields['System.WorkItemType'])} ${id}`,
    project: env.state.projectName,
    deletedDate: now,
    deletedBy: (env.state.users[ctx.userIndex] ?? env.state.users[0]).displayName,
    url: `${ctx.collectionUrl}/_apis/wit/recycleBin/${id}`,
  };
}

const ATTACHMENT_ID = '([0-9a-fA-F-]{36})';

function attachmentReferenceUrl(ctx: RequestContext, env: RouteEnv, id: string, fileName: string): string {
  const base = ctx.projectSegment ? `${ctx.collectionUrl}/${env.state.projectId}` : ctx.collectionUrl;
  return `${base}/_apis/wit/attachments/${id}?fileName=${encodeURIComponent(fileName)}`;
}

/** A PATCH (and a create) answers with the relations even without $expand (ado-behaviour.md §2). */
function withRelations(rendered: Record<string, unknown>, item: WorkItem): Record<string, unknown> {
  if (rendered.relations === undefined && item.relations.length) rendered.relations = structuredClone(item.relations);
  return rendered;
}

export const ROUTES: Route[] = [
  { method: 'GET', pattern: /^connectiondata$/, name: '/_apis/connectionData', noVersion: true, handler: (ctx, _p, env) => sendJson(ctx, 200, connectionData(ctx, env.state)) },
  { method: 'GET', pattern: /^resourceareas$/, name: '/_apis/resourceAreas', noVersion: true, handler: (ctx) => sendJson(ctx, 200, resourceAreas(ctx)) },
  { method: 'OPTIONS', pattern: /^(\w+)\/?$/, name: '/_apis/{area}', noVersion: true, handler: (ctx, p) => sendJson(ctx, 200, locationOptions(p[0], ctx.apiVersion)) },
  {
    method: 'GET', pattern: /^projects$/, name: '/_apis/projects',
    handler: (ctx, _p, env) => sendJson(ctx, 200, { count: 1, value: [projectJson(ctx, env)] }),
  },
  {
    method: 'GET', pattern: /^projects\/([^/]+)$/, name: '/_apis/projects/{id}',
    handler: (ctx, p, env) => {
      const key = decodeURIComponent(p[0]).toLowerCase();
      if (key !== env.state.projectId && key !== env.state.projectName.toLowerCase()) {
        throw new AdoError(404, `TF200016: The following project does not exist: ${decodeURIComponent(p[0])}. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server.`, 'ProjectDoesNotExistWithNameException');
      }
      sendJson(ctx, 200, { ...projectJson(ctx, env), _links: { self: { href: `${ctx.collectionUrl}/_apis/projects/${env.state.projectId}` }, collection: { href: `${ctx.collectionUrl}/_apis/projectCollections/${env.state.collectionId}` }, web: { href: `${ctx.collectionUrl}/${env.state.projectName}` } }, defaultTeam: { id: 'a4a4b1de-9f67-4e1c-8d53-0b7c50c3ba11', name: `${env.state.projectName} Team`, url: `${ctx.collectionUrl}/_apis/projects/${env.state.projectId}/teams/a4a4b1de-9f67-4e1c-8d53-0b7c50c3ba11` } });
    },
  },
  {
    method: 'POST', pattern: /^wit\/attachments$/, name: '/_apis/wit/attachments',
    handler: async (ctx, _p, env) => {
      project(ctx, env);
      requireContentType(ctx.req, ['application/octet-stream', 'application/json', 'application/json-patch+json']);
      const fileName = ctx.url.searchParams.get('fileName') ?? '';
      const chunked = (ctx.url.searchParams.get('uploadType') ?? 'simple').toLowerCase() === 'chunked';
      const attachment = await uploadSimple(env.state, env.dataDir, ctx.req, fileName, chunked, env.maxAttachmentSize, { resetMidBody: env.uploadFault });
      const url = attachmentReferenceUrl(ctx, env, attachment.id, fileName);
      // A chunked start is 202 Accepted with a Location (AttachmentController.CreateAttachment).
      if (chunked) sendJson(ctx, 202, { id: attachment.id, url }, { Location: url });
      else sendJson(ctx, 201, { id: attachment.id, url });
    },
  },
  {
    method: 'PUT', pattern: new RegExp(`^wit/attachments/${ATTACHMENT_ID}$`), name: '/_apis/wit/attachments/{id}',
    handler: async (ctx, p, env) => {
      project(ctx, env);
      const attachment = env.state.attachments.get(p[0].toLowerCase());
      if (!attachment) throw attachmentNotFound(p[0]);
      const outcome = await uploadChunk(env.state.stats, attachment, ctx.req, env.maxAttachmentSize, { resetMidBody: env.uploadFault }, env.fidelity);
      const url = attachmentReferenceUrl(ctx, env, attachment.id, ctx.url.searchParams.get('fileName') ?? attachment.fileName);
      // 202 until the last byte arrived, then 201; a replayed range is a 202 no-op.
      sendJson(ctx, outcome === 'complete' ? 201 : 202, { id: attachment.id, url }, { Location: url });
    },
  },
  {
    method: 'GET', pattern: new RegExp(`^wit/attachments/${ATTACHMENT_ID}$`), name: '/_apis/wit/attachments/{id}',
    handler: async (ctx, p, env) => {
      project(ctx, env);
      const attachment = env.state.attachments.get(p[0].toLowerCase());
      if (!attachment || !attachment.complete) throw attachmentNotFound(p[0]);
      if (env.state.deniedAttachments.has(attachment.id)) throw new AdoError(403, `You do not have permission to read the attachment ${attachment.id}.`, 'WorkItemUnauthorizedAttachmentException');
      const fileName = ctx.url.searchParams.get('fileName') || attachment.fileName || attachment.id;
      await download(attachment, ctx.res, fileName, ctx.url.searchParams.get('download') === 'true', ctx.bodyFault, ctx.apiVersion);
    },
  },
  {
    method: 'GET', pattern: /^wit\/workitems$/, name: '/_apis/wit/workitems',
    handler: (ctx, _p, env) => {
      project(ctx, env);
      const q = ctx.url.searchParams;
      const fields = fieldsParam(q.get('fields'));
      const expand = expandAndFields(q.get('$expand'), fields);
      sendJson(ctx, 200, listItems(ctx, env, parseIds(q.get('ids')), expand, fields, q.get('errorPolicy') ?? 'fail', q.get('asOf') ?? undefined));
    },
  },
  {
    method: 'POST', pattern: /^wit\/workitemsbatch$/, name: '/_apis/wit/workitemsbatch',
    handler: async (ctx, _p, env) => {
      project(ctx, env);
      const body = await readJson(ctx.req);
      if (!isRecord(body) || !Array.isArray(body.ids)) throw new AdoError(400, 'The request body must contain an ids array.', 'ArgumentNullException');
      const ids = body.ids.map(Number);
      if (ids.length > MAX_BATCH) throw tooMany(ids.length);
      const fields = Array.isArray(body.fields) && body.fields.length ? body.fields.map(String) : undefined;
      const expand = expandAndFields(typeof body.$expand === 'string' ? body.$expand : undefined, fields);
      sendJson(ctx, 200, listItems(ctx, env, ids, expand, fields, typeof body.errorPolicy === 'string' ? body.errorPolicy : 'fail', typeof body.asOf === 'string' ? body.asOf : undefined));
    },
  },
  {
    method: 'GET', pattern: /^wit\/workitems\/(\d+)$/, name: '/_apis/wit/workitems/{id}',
    handler: (ctx, p, env) => {
      project(ctx, env);
      const q = ctx.url.searchParams;
      const fields = fieldsParam(q.get('fields'));
      const expand = expandAndFields(q.get('$expand'), fields);
      sendJson(ctx, 200, renderWorkItem(ctx.collectionUrl, env.state.projectId, itemAsOf(liveItem(env, Number(p[0])), q.get('asOf')), expand, fields));
    },
  },
  {
    method: 'POST', pattern: /^wit\/workitems\/\$([^/]+)$/, name: '/_apis/wit/workitems/${type}',
    handler: async (ctx, p, env) => {
      project(ctx, env);
      requireContentType(ctx.req, ['application/json-patch+json', 'application/json']);
      const type = decodeURIComponent(p[0]);
      const ops = parseOperations(await readJson(ctx.req));
      const q = ctx.url.searchParams;
      const item = createWorkItem(env.state, type, ops, changeOptions(ctx, env, q.get('suppressNotifications') === 'true'));
      sendJson(ctx, 200, withRelations(renderWorkItem(ctx.collectionUrl, env.state.projectId, item, parseExpand(q.get('$expand'))), item));
    },
  },
  {
    method: 'PATCH', pattern: /^wit\/workitems\/(\d+)$/, name: '/_apis/wit/workitems/{id}',
    handler: async (ctx, p, env) => {
      project(ctx, env);
      requireContentType(ctx.req, ['application/json-patch+json', 'application/json']);
      const ops = parseOperations(await readJson(ctx.req));
      const q = ctx.url.searchParams;
      const target = liveItem(env, Number(p[0]));
      if (env.state.saveRaces > 0) {
        env.state.saveRaces -= 1;
        // Another save won the race: it lands, and this one is refused.
        updateWorkItem(env.state, target, [{ op: 'add', path: '/fields/System.History', value: 'A concurrent edit' }], changeOptions({ ...ctx, userIndex: 1 }, env, false), false);
        throw new AdoError(409, `TF26071: This work item has been changed by someone else since you opened it. You will need to refresh it and discard your changes.`, 'WorkItemRevisionMismatchException');
      }
      const item = updateWorkItem(env.state, target, ops, changeOptions(ctx, env, q.get('suppressNotifications') === 'true'), q.get('validateOnly') === 'true');
      sendJson(ctx, 200, withRelations(renderWorkItem(ctx.collectionUrl, env.state.projectId, item, parseExpand(q.get('$expand'))), item));
    },
  },
  {
    method: 'DELETE', pattern: /^wit\/workitems\/(\d+)$/, name: '/_apis/wit/workitems/{id}',
    handler: (ctx, p, env) => {
      project(ctx, env);
      sendJson(ctx, 200, deleteItem(ctx, env, Number(p[0]), ctx.url.searchParams.get('destroy') === 'true'));
    },
  },
  {
    method: 'POST', pattern: /^wit\/workitemsdelete$/, name: '/_apis/wit/workitemsdelete',
    handler: async (ctx, _p, env) => {
      project(ctx, env);
      const body = await readJson(ctx.req);
      if (!isRecord(body) || !Array.isArray(body.ids)) throw new AdoError(400, 'The request body must contain an ids array.', 'ArgumentNullException');
      if (body.ids.length > MAX_BATCH) throw tooMany(body.ids.length);
      const results = body.ids.map((raw) => {
        const id = Number(raw);
        try {
          return deleteItem(ctx, env, id, body.destroy === true);
        } catch (error) {
          if (!(error instanceof AdoError)) throw error;
          return { id, code: error.status, message: error.message };
        }
      });
      sendJson(ctx, 200, { results });
    },
  },
  {
    method: 'GET', pattern: /^wit\/workitems\/(\d+)\/updates$/, name: '/_apis/wit/workitems/{id}/updates',
    handler: (ctx, p, env) => {
      project(ctx, env);
      const item = liveItem(env, Number(p[0]));
      const skip = Number(ctx.url.searchParams.get('$skip') ?? 0);
      const top = Number(ctx.url.searchParams.get('$top') ?? 200);
      const value = item.updates.slice(skip, skip + top).map((u) => renderUpdate(ctx.collectionUrl, u));
      sendJson(ctx, 200, { count: value.length, value });
    },
  },
  {
    method: 'GET', pattern: /^wit\/workitems\/(\d+)\/updates\/(\d+)$/, name: '/_apis/wit/workitems/{id}/updates/{number}',
    handler: (ctx, p, env) => {
      project(ctx, env);
      const update = liveItem(env, Number(p[0])).updates[Number(p[1]) - 1];
      if (!update) throw new AdoError(404, `TF401232: Update ${p[1]} of work item ${p[0]} does not exist.`, 'WorkItemUpdateNotFoundException');
      sendJson(ctx, 200, renderUpdate(ctx.collectionUrl, update));
    },
  },
  {
    method: 'GET', pattern: /^wit\/workitems\/(\d+)\/revisions$/, name: '/_apis/wit/workitems/{id}/revisions',
    handler: (ctx, p, env) => {
      project(ctx, env);
      const item = liveItem(env, Number(p[0]));
      const q = ctx.url.searchParams;
      const skip = Number(q.get('$skip') ?? 0);
      const top = Number(q.get('$top') ?? 200);
      const expand = parseExpand(q.get('$expand'));
      const value = item.revisions.slice(skip, skip + top).map((r) => renderWorkItem(ctx.collectionUrl, env.state.projectId, { id: item.id, rev: r.rev, fields: r.fields, relations: r.relations }, expand, undefined, true));
      sendJson(ctx, 200, { count: value.length, value });
    },
  },
  {
    method: 'GET', pattern: /^wit\/workitems\/(\d+)\/revisions\/(\d+)$/, name: '/_apis/wit/workitems/{id}/revisions/{rev}',
    handler: (ctx, p, env) => {
      project(ctx, env);
      const item = liveItem(env, Number(p[0]));
      const revision = item.revisions.find((r) => r.rev === Number(p[1]));
      if (!revision) throw new AdoError(404, `TF401232: Revision ${p[1]} of work item ${p[0]} does not exist.`, 'WorkItemRevisionNotFoundException');
      sendJson(ctx, 200, renderWorkItem(ctx.collectionUrl, env.state.projectId, { id: item.id, rev: revision.rev, fields: revision.fields, relations: revision.relations }, parseExpand(ctx.url.searchParams.get('$expand')), undefined, true));
    },
  },
  { method: 'POST', pattern: /^wit\/wiql$/, name: '/_apis/wit/wiql', handler: (ctx, _p, env) => wiqlQuery(ctx, env) },
  { method: 'GET', pattern: /^wit\/reporting\/workitemrevisions$/, name: '/_apis/wit/reporting/workitemrevisions', handler: (ctx, _p, env) => reportingRevisions(ctx, env, undefined) },
  {
    method: 'POST', pattern: /^wit\/reporting\/workitemrevisions$/, name: '/_apis/wit/reporting/workitemrevisions',
    handler: async (ctx, _p, env) => reportingRevisions(ctx, env, await readJson(ctx.req)),
  },
  ...hookRoutes,
];

function attachmentNotFound(id: string): AdoError {
  return new AdoError(404, `TF401001: The attachment ${id} cannot be found or you do not have permission to read it.`, 'AttachmentNotFoundException');
}

const COLUMN_NAMES: Record<string, string> = { 'System.Id': 'ID', 'System.Title': 'Title', 'System.State': 'State', 'System.ChangedDate': 'Changed Date', 'System.WorkItemType': 'Work Item Type', 'System.CreatedDate': 'Created Date', 'System.AssignedTo': 'Assigned To', 'System.Rev': 'Rev' };

function columnRef(ctx: RequestContext, name: string): Record<string, string> {
  return { referenceName: name, name: COLUMN_NAMES[name] ?? name, url: `${ctx.collectionUrl}/_apis/wit/fields/${name}` };
}

async function wiqlQuery(ctx: RequestContext, env: RouteEnv): Promise<void> {
  project(ctx, env);
  const body = await readJson(ctx.req);
  if (!isRecord(body) || typeof body.query !== 'string') throw new AdoError(400, 'TF51006: The query statement is missing.', 'QuerySyntaxException');
  if (body.query.length > 32768) throw new AdoError(400, 'VS402336: The query is too long. The maximum length of a query is 32768 characters.', 'QueryTooLongException');
  const query = parseWiql(body.query);
  const me = env.state.users[ctx.userIndex] ?? env.state.users[0];
  const wctx: WiqlContext = { project: env.state.projectName, me: me.uniqueName, timePrecision: ctx.url.searchParams.get('timePrecision') === 'true' };
  if (usesProjectMacro(body.query) && ctx.projectSegment === undefined) {
    throw new AdoError(400, 'TF51011: The specified project does not exist: @project requires a project in the URL.', 'QueryException');
  }
  checkLiterals(query.where, wctx);
  let items = [...env.state.workItems.values()].filter((i) => !i.deleted && matches(query.where, i.fields, wctx));
  if (items.length > 20000) throw new AdoError(400, 'VS402337: The number of work items returned exceeds the size limit of 20000. Change the query to return fewer items.', 'QueryResultSizeLimitExceededException');
  const order = query.orderBy.length ? query.orderBy : [{ field: 'System.Id', descending: false }];
  items.sort((a, b) => {
    for (const o of order) {
      const x = sortValue(a.fields[o.field]);
      const y = sortValue(b.fields[o.field]);
      if (x < y) return o.descending ? 1 : -1;
      if (x > y) return o.descending ? -1 : 1;
    }
    return 0;
  });
  const top = ctx.url.searchParams.get('$top');
  if (top) items = items.slice(0, Number(top));
  sendJson(ctx, 200, {
    queryType: 'flat',
    queryResultType: 'workItem',
    asOf: adoDate(),
    columns: query.columns.map((c) => columnRef(ctx, c)),
    sortColumns: query.orderBy.map((o) => ({ field: columnRef(ctx, o.field), descending: o.descending })),
    workItems: items.map((i) => ({ id: i.id, url: workItemUrl(ctx.collectionUrl, i.id) })),
  });
}

function usesProjectMacro(query: string): boolean {
  return /@project\b/i.test(query);
}

export { contentTypeFor };
