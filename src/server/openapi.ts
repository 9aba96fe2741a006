// The OpenAPI 3.1 description of the HTTP API (GET /api/openapi.json). Written by hand, apart
// from the route table, so that a test can hold one against the other: every route served is
// described here and every path described here is served.
type Schema = Record<string, unknown>;

const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer' };
const bool: Schema = { type: 'boolean' };
const nullable = (s: Schema): Schema => ({ anyOf: [s, { type: 'null' }] });
const obj = (properties: Record<string, Schema>, required = Object.keys(properties)): Schema => ({ type: 'object', properties, required });
const arr = (items: Schema): Schema => ({ type: 'array', items });
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

const schemas: Record<string, Schema> = {
  Error: obj({ success: { const: false }, error: obj({ message: str, code: str }) }),
  Health: obj({ status: { const: 'ok' } }),
  Ready: obj({ ready: bool, paused: str, damaged: str }, ['ready']),
  ItemError: obj({ message: str, code: str, kind: str }, ['message']),
  Attachment: obj({
    attachmentGuid: nullable(str), attachmentUrl: nullable(str), fileName: str, isDuplicate: bool, status: str,
    sha256: nullable(str), size: nullable(int), localPath: str, error: ref('ItemError'),
  }, ['attachmentGuid', 'attachmentUrl', 'fileName', 'isDuplicate', 'status', 'sha256', 'size']),
  RunSummary: obj({
    runId: int, trigger: str, status: { enum: ['completed', 'failed', 'cancelled'] }, startedAt: str, completedAt: str, durationMs: int,
    counters: { type: 'object', additionalProperties: int }, items: arr({ type: 'object' }), error: ref('ItemError'),
  }, ['runId', 'trigger', 'status', 'startedAt', 'completedAt', 'durationMs', 'counters', 'items']),
  UploadAnswer: obj({ success: bool, message: str, attachment: nullable(ref('Attachment')), attachments: arr(ref('Attachment')), run: ref('RunSummary') }),
  LinkAnswer: obj({ success: bool, message: str, attachment: nullable(ref('Attachment')), run: ref('RunSummary') }),
  DownloadAnswer: obj({ success: bool, message: str, attachment: ref('Attachment') }),
  SyncAnswer: obj({ success: bool, message: str, status: { enum: ['COMPLETED', 'FAILED', 'CANCELLED'] }, run: ref('RunSummary'), workItemIds: arr(int) }),
  DeleteAnswer: obj({ success: { const: true }, message: str, attachmentGuid: str }),
  AttachmentList: obj({
    workItemId: int,
    localAttachments: arr({ type: 'object' }),
    adoAttachments: arr(obj({ guid: str, name: str, url: str, comment: nullable(str), size: nullable(int), sha256: nullable(str) })),
    syncSummary: obj({ localCount: int, adoCount: int, syncedCount: int, pendingCount: int, failedCount: int, conflictCount: int }),
    attachments: arr(obj({ fileName: str, state: str }, ['fileName', 'state'])),
  }),
  Status: obj({
    workItemId: int, tracked: bool,
    summary: obj({ total_attachments: int, synced_count: int, pending_count: int, failed_count: int, total_size_bytes: int, last_modified: nullable(str) }),
    pendingSync: nullable({ type: 'object' }),
    recentEvents: arr(obj({ id: int, event_type: str, severity: str, message: str, created_at: str })),
  }),
  Dedup: obj({
    isDuplicate: bool, sha256: str,
    attachment: nullable(obj({ work_item_id: int, attachment_guid: str, attachment_url: nullable(str), file_name: nullable(str), file_size: int })),
    workItems: arr(int),
  }, ['isDuplicate', 'sha256', 'attachment', 'workItems']),
  UploadSession: obj({
    sessionUuid: str, workItemId: int, fileName: str, totalSize: int, chunkSize: int, totalChunks: int, chunksReceived: int,
    progress: str, percentComplete: int, bytesReceived: int, status: str, createdAt: str, updatedAt: str, expiresAt: str,
  }),
  HistoryRun: obj({ id: int, kind: str, trigger: str, status: str, startedAt: str, workItemId: nullable(int) }),
  HistoryPage: obj({ success: { const: true }, data: arr(ref('HistoryRun')), pagination: obj({ total: int, limit: int, nextCursor: nullable(str) }) }),
  HistoryRunWithItems: obj({ success: { const: true }, data: { allOf: [ref('HistoryRun'), obj({ items: arr({ type: 'object' }) })] } }),
  Token: obj({ id: int, name: str, createdAt: str, lastUsedAt: nullable(str), revokedAt: nullable(str) }),
  TokenCreated: { allOf: [ref('Token'), obj({ token: str })] },
  TokenRevoked: obj({ revoked: ref('Token') }),
  AuditLogs: obj({ success: { const: true }, data: arr(obj({ id: int, actionType: str, entityType: str, createdAt: str })) }),
};

const json = (schema: Schema) => ({ content: { 'application/json': { schema } } });
const ok = (name: string, description = 'OK') => ({ description, ...json(ref(name)) });
const error = (description: string) => ({ description, ...json(ref('Error')) });
const pathParam = (name: string, schema: Schema, description: string) => ({ name, in: 'path', required: true, schema, description });
const queryParam = (name: string, schema: Schema, description: string) => ({ name, in: 'query', required: false, schema, description });

const workItemId = pathParam('workItemId', { type: 'integer', minimum: 1 }, 'the work item id');
const guid = pathParam('guid', { type: 'string', format: 'uuid' }, 'the attachment GUID');
const common = { 400: error('bad input: nothing was stored'), 401: error('no valid bearer token'), 429: error("over the token's requests per minute (Retry-After)") };
const ranRun = { 502: { description: 'Azure DevOps refused or failed part of the work; the answer says which' } };

const paths: Record<string, Record<string, unknown>> = {
  '/api/health': { get: { summary: 'Liveness; needs no token', security: [], responses: { 200: ok('Health') } } },
  '/api/ready': { get: { summary: 'Readiness: the store is sound and sync is not paused', responses: { 200: ok('Ready'), 503: ok('Ready', 'not ready'), 401: common[401] } } },
  '/api/openapi.json': { get: { summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1', ...json({ type: 'object' }) }, 401: common[401] } } },
  '/api/sync/upload': {
    post: {
      summary: 'Upload a file into the work item\'s mirror folder and link it (content already in Azure DevOps is linked, not sent again); link=false sends it without keeping it',
      parameters: [
        queryParam('workItemId', { type: 'integer', minimum: 1 }, 'with application/octet-stream (or multipart/form-data without the field)'),
        queryParam('fileName', str, 'with application/octet-stream (multipart/form-data: the field, else the file part\'s name)'),
        queryParam('comment', str, 'with application/octet-stream (or multipart/form-data without the field)'),
        queryParam('link', bool, 'false: upload only'),
      ],
      requestBody: {
        required: true,
        content: {
          'application/json': { schema: obj({ fileName: str, workItemId: { type: 'integer', minimum: 1 }, file: { type: 'string', contentEncoding: 'base64' }, comment: str, link: bool }, ['fileName', 'workItemId', 'file']) },
          'multipart/form-data': {
            schema: obj({ file: { type: 'string', contentMediaType: 'application/octet-stream' }, workItemId: { type: 'integer', minimum: 1 }, fileName: str, comment: str, link: bool }, ['file', 'workItemId']),
            encoding: { file: { contentType: 'application/octet-stream' } },
          },
          'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } },
        },
      },
      responses: { 200: ok('UploadAnswer'), ...common, 413: error('larger than ATTACHMENT_MAX_FILE_SIZE'), 415: error('neither JSON, multipart/form-data nor octet-stream'), ...ranRun },
    },
  },
  '/api/sync/link-attachment': {
    post: {
      summary: 'Link an attachment already in Azure DevOps to a work item',
      requestBody: { required: true, ...json(obj({ workItemId: { type: 'integer', minimum: 1 }, attachmentUrl: str, fileName: str, comment: str }, ['workItemId', 'attachmentUrl'])) },
      responses: { 200: ok('LinkAnswer'), ...common, ...ranRun },
    },
  },
  // GET takes a work item id, DELETE an attachment GUID: one template, as OpenAPI wants.
  '/api/sync/attachments/{id}': {
    get: {
      summary: "A work item's attachments, local records and Azure DevOps side by side",
      parameters: [pathParam('id', { type: 'integer', minimum: 1 }, 'the work item id')], responses: { 200: ok('AttachmentList'), ...common, 404: error('no such work item') },
    },
    delete: {
      summary: 'Soft delete of the local record; Azure DevOps is unchanged',
      parameters: [pathParam('id', { type: 'string', format: 'uuid' }, 'the attachment GUID')], responses: { 200: ok('DeleteAnswer'), ...common, 404: error('no local record') },
    },
  },
  '/api/sync/force-sync/{workItemId}': {
    post: { summary: 'Sync a work item both ways now; answers when the run is over', parameters: [workItemId], responses: { 200: ok('SyncAnswer'), ...common, ...ranRun } },
  },
  '/api/sync/status/{workItemId}': {
    get: { summary: "A work item's sync summary, pending sync and recent events", parameters: [workItemId], responses: { 200: ok('Status'), ...common } },
  },
  '/api/sync/download/{guid}': {
    post: {
      summary: 'Download an attachment into the mirror folder',
      parameters: [guid, queryParam('workItemId', { type: 'integer', minimum: 1 }, 'or in the body')],
      requestBody: { required: false, ...json(obj({ workItemId: { type: 'integer', minimum: 1 }, fileName: str }, [])) },
      responses: { 200: ok('DownloadAnswer'), ...common, ...ranRun },
    },
  },
  '/api/sync/deduplication/{sha256}': {
    get: { summary: 'Is this content already in Azure DevOps?', parameters: [pathParam('sha256', { type: 'string', pattern: '^[0-9a-fA-F]{64}$' }, 'SHA-256, hex')], responses: { 200: ok('Dedup'), ...common } },
  },
  '/api/sync/upload-session/{uuid}': {
    get: { summary: 'Progress of a chunked upload', parameters: [pathParam('uuid', { type: 'string', format: 'uuid' }, 'the session id')], responses: { 200: ok('UploadSession'), ...common, 404: error('no such session') } },
  },
  '/api/sync/events': {
    get: {
      summary: 'Server-sent events of sync runs: runStarted, runPlanned, itemProgress, itemDone, runFinished (data: JSON)',
      responses: { 200: { description: 'an event stream', content: { 'text/event-stream': { schema: str } } }, 401: common[401], 503: error('too many streams open') },
    },
  },
  '/api/sync-history': {
    get: {
      summary: 'Sync runs, newest first, in keyset pages',
      parameters: [
        queryParam('status', str, 'pending, in_progress, completed, failed, cancelled (comma-separated)'),
        queryParam('kind', str, 'attachment_sync or backlog_import'),
        queryParam('trigger', str, 'manual, poll, webhook, attach, import'),
        queryParam('workItemId', { type: 'integer', minimum: 1 }, 'runs of one work item'),
        queryParam('from', str, 'started on or after (a date or ISO time)'),
        queryParam('to', str, 'started on or before (a bare date includes the day, UTC)'),
        queryParam('text', str, 'in item names and error messages'),
        queryParam('limit', { type: 'integer', minimum: 1, maximum: 500 }, 'runs per page (default 20)'),
        queryParam('cursor', str, "the previous page's pagination.nextCursor"),
      ],
      responses: { 200: ok('HistoryPage'), ...common },
    },
  },
  '/api/sync-history/{id}': {
    get: { summary: 'One sync run with its items', parameters: [pathParam('id', { type: 'integer', minimum: 1 }, 'the run id')], responses: { 200: ok('HistoryRunWithItems'), ...common, 404: error('no such run') } },
  },
  '/api/admin/tokens': {
    post: {
      summary: 'Create an API token (what `ado-sync token create` sends while serve holds the database); the token is in this answer only',
      security: [{ adminKey: [] }],
      requestBody: { required: true, ...json(obj({ name: str })) },
      responses: { 201: ok('TokenCreated', 'created'), 400: common[400], 401: error('not the admin key'), 409: error('a live token has that name') },
    },
  },
  '/api/admin/tokens/{name}': {
    delete: {
      summary: 'Revoke a live API token by name or id (`ado-sync token revoke`); it stops working at once',
      security: [{ adminKey: [] }],
      parameters: [pathParam('name', str, 'the token name or id')],
      responses: { 200: ok('TokenRevoked'), 401: error('not the admin key'), 404: error('no live token of that name or id') },
    },
  },
  '/api/audit-logs': {
    get: { summary: 'The audit log, newest first', parameters: [queryParam('limit', { type: 'integer', minimum: 1, maximum: 500 }, 'default 100')], responses: { 200: ok('AuditLogs'), ...common } },
  },
};

export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'ado-sync team server', version: '1', description: 'The HTTP API of `ado-sync serve`: attachment sync with Azure DevOps, its history and audit log.' },
    security: [{ bearer: [] }],
    paths,
    components: { schemas, securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', description: 'a token from `ado-sync token create`' },
      adminKey: { type: 'http', scheme: 'bearer', description: "the admin key serve writes beside its database (<database>.serve, readable by serve's user only) for `ado-sync token` on its machine" },
    } },
  };
}
