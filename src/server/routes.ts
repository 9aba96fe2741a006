// The routes of the HTTP API: seed 000's /api/sync/*, seed 002's history and audit log, health and
// readiness. Each answers what the matching CLI command prints with --json (one answer builder,
// in core/answers, serves both). Every input is checked before anything is stored or sent.
import { rm, stat, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { attachmentIdFromUrl, type AdoClient } from '../core/ado';
import { attachAnswer, deleteAnswer, downloadAnswer, linkAnswer, listJson, runJson } from '../core/answers/attachments';
import { dedupAnswer } from '../core/answers/dedup';
import { HistoryQueryError, parseHistoryQuery, type HistoryQuery } from '../core/answers/historyQuery';
import { workItemStatus } from '../core/answers/status';
import { uploadSessionAnswer } from '../core/answers/uploadSession';
import type { SyncSettings } from '../core/settings';
import { StoreError } from '../core/store';
import type { SyncDb } from '../core/store/syncDb';
import type { RunSummary, SyncEngine } from '../core/sync/engineApi';
import { NameTakenError } from '../core/sync/inbound';
import { listWorkItemAttachments } from '../core/sync/workItemAttachments';
import type { EventStreams } from './eventStream';
import { badRequest, HttpError, notFound } from './httpError';
import { chooseMirrorName, nameStaged, PLACE_ATTEMPTS, stageUpload, type StagedUpload } from './mirrorUpload';
import { isMultipart, streamMultipartToFile } from './multipartBody';
import { openApiDocument } from './openapi';
import { TOKEN_ROUTES } from './tokenRoutes';
import { isJson, readJsonObject, streamBodyToFile } from './requestBody';

export interface ApiDeps {
  engine: SyncEngine;
  store: SyncDb;
  client: AdoClient;
  settings: SyncSettings;
}

export interface RouteContext {
  req: IncomingMessage;
  params: Record<string, string>;
  query: URLSearchParams;
  deps: ApiDeps;
  signal: AbortSignal;
  streams: EventStreams;
}

/** A JSON answer, or a stream that takes the response over (server-sent events). */
export type Answer = { status?: number; body: unknown } | { stream: (res: ServerResponse) => void };

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** An OpenAPI path template: /api/sync/status/{workItemId}. */
  path: string;
  /** False only for the health check. */
  auth: boolean;
  /** Takes the server's admin key (serveControl.ts) instead of an API token. */
  admin?: boolean;
  handle(c: RouteContext): Promise<Answer>;
}

const SHA256 = /^[0-9a-f]{64}$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** Slack above the file limit for the JSON around a base64 body. */
const JSON_OVERHEAD = 64 * 1024;

function workItemIdOf(raw: unknown, name: string): number {
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
  const id = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(id) || id <= 0) throw badRequest(`${name} must be a work item id, a positive whole number; got ${JSON.stringify(raw ?? null)}`);
  return id;
}

function attachmentGuidOf(raw: string): string {
  try {
    return attachmentIdFromUrl(raw);
  } catch {
    throw badRequest(`"${raw}" is not an attachment GUID`);
  }
}

function optionalText(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badRequest(`${name} must be a string`);
  return v.trim() === '' ? undefined : v;
}

/** A file name that stays one name in one folder: no separators, no "." or "..", nothing invisible. */
function fileNameOf(raw: unknown): string {
  if (typeof raw !== 'string' || raw.trim() === '') throw badRequest('fileName is required: the name the attachment gets in Azure DevOps');
  if (/[/\\\u0000-\u001f]/.test(raw) || raw === '.' || raw === '..' || raw.length > 255) {
    throw badRequest(`fileName must be a plain file name (no path separators or control characters, at most 255 characters); got ${JSON.stringify(raw)}`);
  }
  return raw;
}

function linkFlag(raw: unknown): boolean {
  if (raw === undefined || raw === null) return true;
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  throw badRequest('link must be true or false');
}

/** A run's answer: 200 when it completed, 502 when Azure DevOps refused or failed part of it. */
function runAnswer(summary: RunSummary, body: object): Answer {
  return { status: summary.status === 'completed' && (body as { success?: unknown }).success !== false ? 200 : 502, body };
}

/** Strips the server's paths from an answer: callers get the attachment, not a path on this machine. */
function withoutLocalPath<T extends { localPath?: string }>(a: T): Omit<T, 'localPath'> {
  const { localPath: _omit, ...rest } = a;
  return rest;
}

interface UploadTarget { workItemId: number; fileName: string; comment?: string; link: boolean }

/**
 * Attaches a staged upload (mirrorUpload.ts): its bytes go into the work item's mirror folder, moved
 * there by the engine once the request is written (no sync ever sees them there as a file of its
 * own), and are attached from there. An upload that is not linked stays out of the mirror (the next
 * sync would link it) and is removed once sent. A file we placed is removed again when its attach
 * failed: the caller was told so, and the server must not send it later on its own.
 */
async function attachStaged(c: RouteContext, target: UploadTarget, staged: StagedUpload): Promise<Answer> {
  const { engine } = c.deps;
  let summary: RunSummary;
  let file: string;
  try {
    // An unknown work item is refused before the file is kept anywhere.
    await engine.track([target.workItemId]);
    if (target.link) {
      ({ file, summary } = await attachIntoMirror(c, target, staged));
    } else {
      file = await nameStaged(staged, target.fileName);
      summary = await engine.attach({ files: [file], workItemId: target.workItemId, comment: target.comment, link: false, trigger: 'attach', signal: c.signal });
    }
  } finally {
    await staged.discard();
  }
  const answer = attachAnswer(summary, target.link, [file]);
  return runAnswer(summary, { ...answer, attachment: answer.attachment && withoutLocalPath(answer.attachment), attachments: answer.attachments.map(withoutLocalPath) });
}

/** The attach of an upload into the mirror folder, under a free name (another one if the name is taken meanwhile). */
async function attachIntoMirror(c: RouteContext, target: UploadTarget, staged: StagedUpload): Promise<{ file: string; summary: RunSummary }> {
  const { engine, store } = c.deps;
  const dir = path.join(engine.mirrorRoot, String(target.workItemId));
  for (let attempt = 1; ; attempt++) {
    // A failed request without a remote attachment holds no name: its file was removed when it failed.
    const reserved = (await store.attachments.forWorkItem(target.workItemId))
      .flatMap((r) => (r.localPath && path.dirname(r.localPath) === dir && !(r.attachmentGuid === null && r.syncStatus === 'FAILED') ? [path.basename(r.localPath)] : []));
    const name = await chooseMirrorName(engine.mirrorRoot, target.workItemId, staged, target.fileName, reserved);
    const request = { files: [name.path], workItemId: target.workItemId, comment: target.comment, trigger: 'attach' as const, signal: c.signal };
    // Only a file the engine moved in is ours to remove (the staged copy is gone then): a name
    // refused before the move may be someone else's file by now.
    const movedIn = async () => !name.existing && !(await exists(staged.path));
    try {
      const summary = await engine.attach(name.existing ? request : { ...request, moveFrom: staged.path });
      if (summary.items.some((i) => i.localPath === name.path && i.status === 'failed') && await movedIn()) await rm(name.path, { force: true });
      return { file: name.path, summary };
    } catch (error) {
      if (error instanceof NameTakenError && attempt < PLACE_ATTEMPTS) continue;
      // Moved in, then the attach broke: the file is not kept.
      if (await movedIn()) await rm(name.path, { force: true });
      throw error;
    }
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(() => true, () => false);
}

/** Validates the target first (a refused request reads no body), then stages the body. */
async function attachBody(c: RouteContext, target: UploadTarget, write: (file: string) => Promise<unknown>): Promise<Answer> {
  return attachStaged(c, target, await stageUpload(c.deps.engine.mirrorRoot, write));
}

/** A multipart form: the file part is staged first, since its fields may follow it. */
async function multipartUpload(c: RouteContext): Promise<Answer> {
  const staged = await stageUpload(c.deps.engine.mirrorRoot, (file) => streamMultipartToFile(c.req, file, c.deps.settings.maxFileSize));
  let target: UploadTarget;
  try {
    const { fields, partFileName } = staged.written;
    target = { workItemId: workItemIdOf(fields.workItemId ?? c.query.get('workItemId') ?? undefined, 'workItemId'),
      fileName: fileNameOf(fields.fileName ?? c.query.get('fileName') ?? partFileName), comment: optionalText(fields, 'comment') ?? (c.query.get('comment')?.trim() || undefined),
      link: linkFlag(fields.link ?? c.query.get('link') ?? undefined) };
  } catch (error) {
    await staged.discard();
    throw error;
  }
  return attachStaged(c, target, staged);
}

async function upload(c: RouteContext): Promise<Answer> {
  const limit = c.deps.settings.maxFileSize;
  if (isJson(c.req)) {
    const body = await readJsonObject(c.req, Math.ceil(limit / 3) * 4 + JSON_OVERHEAD);
    const target = { workItemId: workItemIdOf(body.workItemId, 'workItemId'), fileName: fileNameOf(body.fileName), comment: optionalText(body, 'comment'), link: linkFlag(body.link) };
    if (typeof body.file !== 'string') throw badRequest('file is required: the content, base64-encoded');
    const base64 = body.file.replace(/\s+/g, '');
    if (!BASE64.test(base64) || base64.length % 4 !== 0) throw badRequest('file is not valid base64');
    const bytes = Buffer.from(base64, 'base64');
    if (bytes.length > limit) throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `the file is larger than ${limit} bytes (ATTACHMENT_MAX_FILE_SIZE)`);
    return attachBody(c, target, (file) => writeFile(file, bytes, { flag: 'wx' }));
  }
  if (isMultipart(c.req)) return multipartUpload(c);
  if (!/^application\/octet-stream\b/i.test(c.req.headers['content-type'] ?? '')) {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send application/json ({fileName, workItemId, file: base64}), multipart/form-data (a "file" part, workItemId) or application/octet-stream with ?workItemId=&fileName=');
  }
  const q = c.query;
  const target = { workItemId: workItemIdOf(q.get('workItemId') ?? undefined, 'workItemId'), fileName: fileNameOf(q.get('fileName') ?? undefined),
    comment: q.get('comment')?.trim() || undefined, link: linkFlag(q.get('link') ?? undefined) };
  return attachBody(c, target, (file) => streamBodyToFile(c.req, file, limit));
}

async function linkAttachment(c: RouteContext): Promise<Answer> {
  const body = await readJsonObject(c.req, JSON_OVERHEAD);
  const workItemId = workItemIdOf(body.workItemId, 'workItemId');
  const url = optionalText(body, 'attachmentUrl');
  if (!url) throw badRequest('attachmentUrl is required: .../_apis/wit/attachments/<guid>');
  try {
    attachmentIdFromUrl(url);
  } catch {
    throw badRequest(`attachmentUrl is not an attachment URL: ${JSON.stringify(url)}; expected .../_apis/wit/attachments/<guid>`);
  }
  const summary = await c.deps.engine.link(workItemId, url, { comment: optionalText(body, 'comment'), fileName: optionalText(body, 'fileName'), signal: c.signal });
  return runAnswer(summary, linkAnswer(summary));
}

async function download(c: RouteContext): Promise<Answer> {
  const guid = attachmentGuidOf(c.params.guid);
  const hasBody = Number(c.req.headers['content-length'] ?? 0) > 0 || c.req.headers['transfer-encoding'] !== undefined;
  const body = hasBody ? await readJsonObject(c.req, JSON_OVERHEAD) : {};
  const workItemId = workItemIdOf(body.workItemId ?? c.query.get('workItemId') ?? undefined, 'workItemId');
  const outcome = await c.deps.engine.download(workItemId, guid, { signal: c.signal });
  const answer = downloadAnswer(outcome);
  return { status: answer.success ? 200 : 502, body: answer };
}

async function forceSync(c: RouteContext): Promise<Answer> {
  const workItemId = workItemIdOf(c.params.workItemId, 'workItemId');
  const summary = await c.deps.engine.sync({ workItemIds: [workItemId], trigger: 'manual', signal: c.signal });
  return runAnswer(summary, { ...runJson(summary, `Synced work item ${workItemId}`), workItemIds: [workItemId] });
}

/** The query's filters, validated as `ado-sync history` validates its options (core/answers/historyQuery). */
function historyQueryOf(q: URLSearchParams): HistoryQuery {
  const v = (name: string) => q.get(name)?.trim() || undefined;
  try {
    return parseHistoryQuery({ status: v('status'), kind: v('kind'), trigger: v('trigger'), workItemId: v('workItemId'), from: v('from'), to: v('to'), text: v('text'), limit: v('limit') });
  } catch (error) {
    if (error instanceof HistoryQueryError) throw badRequest(error.message);
    throw error;
  }
}

async function historyList(c: RouteContext): Promise<Answer> {
  const { filter, limit } = historyQueryOf(c.query);
  try {
    const { rows, total, nextCursor } = await c.deps.store.history.page(filter, limit, c.query.get('cursor') ?? undefined);
    return { body: { success: true, data: rows, pagination: { total, limit, nextCursor } } };
  } catch (error) {
    if (error instanceof StoreError) throw badRequest(`${error.message}: pass the cursor exactly as the previous page gave it`, 'BAD_CURSOR');
    throw error;
  }
}

async function historyRun(c: RouteContext): Promise<Answer> {
  const id = workItemIdOf(c.params.id, 'the run id');
  const run = await c.deps.store.history.get(id);
  if (!run) throw notFound(`no sync run ${id}`);
  return { body: { success: true, data: { ...run, items: await c.deps.store.history.items(id) } } };
}

async function auditLogs(c: RouteContext): Promise<Answer> {
  const raw = c.query.get('limit');
  const limit = raw === null ? 100 : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw badRequest(`limit must be a whole number from 1 to 500; got "${raw ?? ''}"`);
  return { body: { success: true, data: await c.deps.store.audit.recent(limit) } };
}

export const ROUTES: readonly Route[] = [
  { method: 'GET', path: '/api/health', auth: false, handle: async () => ({ body: { status: 'ok' } }) },
  {
    method: 'GET', path: '/api/ready', auth: true, handle: async ({ deps }) => {
      const paused = deps.engine.state().paused;
      const damaged = deps.store.damaged?.message;
      const ready = paused === undefined && damaged === undefined;
      return { status: ready ? 200 : 503, body: { ready, ...(paused ? { paused } : {}), ...(damaged ? { damaged } : {}) } };
    },
  },
  { method: 'GET', path: '/api/openapi.json', auth: true, handle: async () => ({ body: openApiDocument() }) },
  { method: 'POST', path: '/api/sync/upload', auth: true, handle: upload },
  { method: 'POST', path: '/api/sync/link-attachment', auth: true, handle: linkAttachment },
  {
    // One template for both: OpenAPI forbids two paths that differ only in a parameter's name.
    method: 'GET', path: '/api/sync/attachments/{id}', auth: true, handle: async (c) => {
      const id = workItemIdOf(c.params.id, 'workItemId');
      return { body: listJson(await listWorkItemAttachments(c.deps.client, c.deps.store, id, c.signal)) };
    },
  },
  {
    method: 'DELETE', path: '/api/sync/attachments/{id}', auth: true, handle: async (c) => {
      const guid = attachmentGuidOf(c.params.id);
      if (!(await c.deps.engine.deleteLocalRecord(guid))) throw notFound(`no local record of attachment ${guid}`);
      return { body: deleteAnswer(guid) };
    },
  },
  { method: 'POST', path: '/api/sync/force-sync/{workItemId}', auth: true, handle: forceSync },
  { method: 'GET', path: '/api/sync/status/{workItemId}', auth: true, handle: async (c) => ({ body: await workItemStatus(c.deps.store, workItemIdOf(c.params.workItemId, 'workItemId')) }) },
  { method: 'POST', path: '/api/sync/download/{guid}', auth: true, handle: download },
  {
    method: 'GET', path: '/api/sync/deduplication/{sha256}', auth: true, handle: async (c) => {
      if (!SHA256.test(c.params.sha256)) throw badRequest(`"${c.params.sha256}" is not a SHA-256 (64 hex digits)`);
      return { body: await dedupAnswer(c.deps.store, c.params.sha256.toLowerCase()) };
    },
  },
  {
    method: 'GET', path: '/api/sync/upload-session/{uuid}', auth: true, handle: async (c) => {
      if (!UUID.test(c.params.uuid)) throw badRequest(`"${c.params.uuid}" is not an upload session id (a UUID)`);
      const answer = await uploadSessionAnswer(c.deps.store, c.params.uuid);
      if (!answer) throw notFound(`no upload session ${c.params.uuid}`);
      return { body: answer };
    },
  },
  { method: 'GET', path: '/api/sync/events', auth: true, handle: async (c) => ({ stream: (res) => c.streams.attach(res) }) },
  { method: 'GET', path: '/api/sync-history', auth: true, handle: historyList },
  { method: 'GET', path: '/api/sync-history/{id}', auth: true, handle: historyRun },
  { method: 'GET', path: '/api/audit-logs', auth: true, handle: auditLogs },
  ...TOKEN_ROUTES,
];
