// The HTTP front: admin routes, auth (401 vs the 203 sign-in page), api-version ceiling, faults,
// rate limiting, statistics, then dispatch to the REST routes.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { createGzip } from 'node:zlib';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { EmulatorState } from './state';
import { ROUTES, type RouteEnv } from './routes';
import { AdoError, type RequestContext, isRecord, readJson, sendError, sendJson } from './wire';
import { FaultInjector, FaultSpecError, validateRules, type FaultDecision } from './faults';
import { RateLimiter } from './rateLimit';
import type { HookDispatcher } from './hooks';
import { type Fidelity, versionOutOfRangeMessage } from './fidelity';
import { logRequest, recordStats } from './state';
import { attachmentUrl, updateWorkItem } from './workItems';

export const COLLECTION = 'DefaultCollection';

export interface ServerConfig {
  state: EmulatorState;
  pats: string[];
  /** When set, Bearer tokens (Microsoft sign-in) are checked by it instead of against pats. */
  acceptBearer?: (token: string) => boolean;
  dataDir: string;
  maxAttachmentSize: number;
  apiVersionMax: string;
  faults: FaultInjector;
  rateLimiter: RateLimiter | undefined;
  hooks: HookDispatcher;
  reseed: () => Promise<void>;
  log: (line: string) => void;
  fidelity: Fidelity;
  /** Serve HTTPS with this key and certificate instead of plain HTTP. */
  tls?: { key: string; cert: string };
}

const SIGN_IN_PAGE = '<!DOCTYPE html><html><head><title>Azure DevOps Services | Sign In</title></head><body><p>Sign in to continue to Azure DevOps.</p></body></html>';

function versionNumber(version: string): number {
  const match = /^(\d+)\.(\d+)/.exec(version);
  return match ? Number(match[1]) + Number(match[2]) / 100 : NaN;
}

export function requestedVersion(req: IncomingMessage, url: URL): string | undefined {
  const query = url.searchParams.get('api-version');
  if (query) return query;
  const accept = /api-version=([\w.-]+)/i.exec(String(req.headers.accept ?? ''));
  return accept?.[1];
}

function checkVersion(requested: string | undefined, max: string, method: string, fidelity: Fidelity, route: string): string {
  if (!requested) {
    if (method === 'GET') return max;
    throw new AdoError(400, 'No api-version was supplied for the "' + method + '" request. The version must be supplied either as part of the Accept header (e.g. "application/json; api-version=1.0") or as a query parameter (e.g. "?api-version=1.0").', 'VssVersionNotSpecifiedException');
  }
  const base = requested.replace(/-preview(\.\d+)?$/i, '');
  const value = versionNumber(base);
  if (Number.isNaN(value)) throw new AdoError(400, `The api-version '${requested}' is not valid.`, 'VssInvalidApiVersionException');
  if (value > versionNumber(max)) {
    throw new AdoError(400, versionOutOfRangeMessage(fidelity, base, max, route), 'VssVersionOutOfRangeException');
  }
  return requested;
}

/** Index of the authenticated user, or the auth failure to answer. */
function authenticate(req: IncomingMessage, pats: string[], acceptBearer?: (token: string) => boolean): number | 'missing' {
  const header = String(req.headers.authorization ?? '');
  const basic = /^Basic\s+(.+)$/i.exec(header);
  const bearer = /^Bearer\s+(.+)$/i.exec(header);
  if (bearer && acceptBearer) return acceptBearer(bearer[1]) ? 0 : 'missing';
  let token: string | undefined;
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    token = decoded.slice(decoded.indexOf(':') + 1);
  } else if (bearer) token = bearer[1];
  const index = token === undefined ? -1 : pats.indexOf(token);
  return index < 0 ? 'missing' : index;
}

function unauthorized(req: IncomingMessage, res: ServerResponse): void {
  if (String(req.headers['x-tfs-fedauthredirect'] ?? '').toLowerCase() === 'suppress') {
    sendError({ res, bodyFault: undefined }, new AdoError(401, 'TF400813: The user \'\' is not authorized to access this resource.', 'UnauthorizedRequestException', { 'WWW-Authenticate': 'Basic realm="https://127.0.0.1/"', 'X-TFS-FedAuthRealm': 'https://127.0.0.1/', 'X-VSS-S2STargetService': '00000002-0000-8888-8000-000000000000/visualstudio.com' }));
    return;
  }
  // Browser-style answer when the client did not ask to suppress the redirect.
  res.writeHead(203, { 'Content-Type': 'text/html; charset=utf-8', 'X-TFS-FedAuthRedirect': 'https://127.0.0.1/_signin', 'Content-Length': String(Buffer.byteLength(SIGN_IN_PAGE)) });
  res.end(SIGN_IN_PAGE);
}

interface Split {
  project: string | undefined;
  rest: string;
}

/** /DefaultCollection[/{project}[/{team}]]/_apis/{rest} */
function splitPath(pathname: string): Split | undefined {
  const parts = pathname.split('/').filter(Boolean);
  if (parts[0]?.toLowerCase() !== COLLECTION.toLowerCase()) return undefined;
  const apis = parts.findIndex((p) => p.toLowerCase() === '_apis');
  if (apis < 1 || apis > 3) return undefined;
  return { project: apis >= 2 ? decodeURIComponent(parts[1]) : undefined, rest: parts.slice(apis + 1).join('/') };
}

function matchRoute(method: string, rest: string) {
  let pathMatched = false;
  for (const route of ROUTES) {
    // Case-insensitive like the service; parameters keep the client's case (type names, ids).
    const match = new RegExp(route.pattern.source, 'i').exec(rest);
    if (!match) continue;
    pathMatched = true;
    if (route.method === method) return { route, params: match.slice(1) };
  }
  return pathMatched ? 'method' : undefined;
}

async function delay(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Bytes of each keep-alive socket already counted for earlier requests. By the time a request
 * event fires the socket has read its head and often the first body bytes too, so counting
 * from socket.bytesRead at that point would miss them.
 */
const countedBytesRead = new WeakMap<object, number>();

/** Largest unread body read to the end before an early error is answered. */
const DRAIN_LIMIT = 16 * 1024 * 1024;

function declaredBodyLength(req: http.IncomingMessage): number {
  const length = Number(req.headers['content-length']);
  return Number.isFinite(length) ? length : Number.POSITIVE_INFINITY;
}

export function createServer(config: ServerConfig): http.Server {
  const listener: http.RequestListener = (req, res) => {
    const socket = req.socket;
    const started = { in: countedBytesRead.get(socket) ?? 0, out: socket.bytesWritten, ms: Date.now() };
    config.state.arrived += 1;
    let routeName = 'unmatched';
    res.on('close', () => {
      countedBytesRead.set(socket, socket.bytesRead);
      logRequest(config.state, { method: req.method ?? '', path: (req.url ?? '').split('?')[0], status: res.statusCode, startedMs: started.ms, endedMs: Date.now() });
      recordStats(config.state.stats, `${req.method} ${routeName}`, res.statusCode, Math.max(0, socket.bytesRead - started.in), Math.max(0, socket.bytesWritten - started.out));
    });
    handle(config, req, res, (name) => (routeName = name)).catch((error: unknown) => {
      if (res.headersSent || res.destroyed || !req.socket || req.socket.destroyed) {
        res.destroy();
        return;
      }
      const adoError = error instanceof AdoError ? error : new AdoError(500, `Internal emulator error: ${error instanceof Error ? error.message : String(error)}`, 'InternalServerErrorException');
      if (!(error instanceof AdoError)) config.log(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      // Refused before its body was read (a size or range check): read the rest first, as servers
      // in front of the service do up to a limit, so the client gets the answer instead of a reset.
      if (!req.complete && req.method !== 'GET' && adoError.status < 500 && adoError.status !== 413 && declaredBodyLength(req) <= DRAIN_LIMIT) {
        req.on('end', () => sendError({ res, bodyFault: undefined }, adoError));
        req.resume();
        return;
      }
      if (adoError.status === 413 || (!req.complete && req.method !== 'GET')) adoError.headers.Connection = 'close';
      sendError({ res, bodyFault: undefined }, adoError);
      // An unread request body cannot be reused on this connection.
      if (!req.complete) res.on('finish', () => req.socket?.destroy());
    });
  };
  const server = config.tls ? https.createServer(config.tls, listener) : http.createServer(listener);
  server.keepAliveTimeout = 5_000;
  server.requestTimeout = 0;
  return server;
}

async function handle(config: ServerConfig, req: IncomingMessage, res: ServerResponse, setRoute: (name: string) => void): Promise<void> {
  const method = req.method ?? 'GET';
  const host = req.headers.host ?? '127.0.0.1';
  const scheme = config.tls ? 'https' : 'http';
  const url = new URL(req.url ?? '/', `${scheme}://${host}`);
  const collectionUrl = `${scheme}://${host}/${COLLECTION}`;

  if (url.pathname.startsWith('/_emulator/')) {
    setRoute(url.pathname.replace(/\/work-items\/\d+\//, '/work-items/{id}/'));
    return admin(config, req, res, url, method, collectionUrl);
  }
  const split = splitPath(url.pathname);
  if (!split) throw new AdoError(404, `The resource ${url.pathname} cannot be found.`, 'ResourceNotFoundException');
  const matched = matchRoute(method, split.rest);
  if (matched === undefined) throw new AdoError(404, `API resource location for ${url.pathname} was not found.`, 'ApiResourceNotFoundException');
  if (matched === 'method') throw new AdoError(405, `The requested resource does not support http method '${method}'.`, 'HttpMethodNotSupportedException');
  const { route, params } = matched;
  setRoute(`${route.name}`);

  const fault: FaultDecision | undefined = config.faults.decide(method, url.pathname);
  if (fault) config.state.stats.faultsInjected += 1;
  if (fault?.kind === 'reset') {
    req.socket.destroy();
    return;
  }
  if (fault?.kind === 'delay') await delay(fault.rule.delayMs ?? 1000);
  if (fault?.kind === '403') throw new AdoError(403, `TF400813: The user is not authorized to access this resource.`, 'UnauthorizedRequestException');
  if (fault?.kind === '404') throw new AdoError(404, `API resource location for ${url.pathname} was not found.`, 'ApiResourceNotFoundException');
  if (fault && ['429', '500', '503'].includes(fault.kind)) {
    const status = Number(fault.kind);
    const retry = fault.rule.retryAfterSeconds ?? 1;
    const headers: Record<string, string> = status === 500 ? {} : { 'Retry-After': String(retry) };
    const message = status === 429
      ? `TF400733: The request has been canceled: Request was blocked due to exceeding usage of resource 'WorkItemTracking/Emulator' in namespace 'User'.`
      : status === 503 ? 'TF400898: An Internal Error Occurred. The service is temporarily unavailable.' : 'TF400898: An Internal Error Occurred. Activity Id: ' + randomUUID() + '.';
    throw new AdoError(status, message, status === 429 ? 'RequestBlockedException' : 'VssServiceException', headers);
  }

  const apiVersion = route.noVersion ? config.apiVersionMax : undefined;
  const user = route.noVersion && route.method === 'OPTIONS' ? 0 : authenticate(req, config.pats, config.acceptBearer);
  if (user === 'missing') return unauthorized(req, res);
  const version = apiVersion ?? checkVersion(requestedVersion(req, url), config.apiVersionMax, method, config.fidelity, route.name.replace(/^\/_apis\//, ''));

  let extraHeaders: Record<string, string> = {};
  if (config.rateLimiter) {
    const decision = config.rateLimiter.admit();
    extraHeaders = decision.headers;
    if (decision.delayMs) await delay(decision.delayMs);
  }
  for (const [key, value] of Object.entries(extraHeaders)) res.setHeader(key, value);

  const bodyFault = fault?.kind === 'truncate' || fault?.kind === 'lose-answer' || (fault?.kind === 'reset-mid-body' && method === 'GET') ? fault.kind : undefined;
  const ctx: RequestContext = { req, res, url, collectionUrl, projectSegment: split.project, apiVersion: version, userIndex: user, bodyFault };
  const env: RouteEnv = { state: config.state, dataDir: config.dataDir, maxAttachmentSize: config.maxAttachmentSize, hooks: config.hooks, uploadFault: fault?.kind === 'reset-mid-body' && method !== 'GET', fidelity: config.fidelity };
  if (env.uploadFault && !['POST', 'PUT', 'PATCH'].includes(method)) req.socket.destroy();
  if (fault?.kind === 'reset-mid-body' && method !== 'GET' && !isUpload(route.name)) {
    // Non-upload writes: read part of the body, then drop the connection; nothing is applied.
    await readSome(req);
    req.socket.destroy();
    return;
  }
  await route.handler(ctx, params, env);
}

function isUpload(name: string): boolean {
  return name.startsWith('/_apis/wit/attachments');
}

async function readSome(req: IncomingMessage): Promise<void> {
  await new Promise<void>((resolve) => {
    req.once('data', () => resolve());
    req.once('end', () => resolve());
    req.once('error', () => resolve());
  });
}

function adminContext(req: IncomingMessage, res: ServerResponse, url: URL, collectionUrl: string): RequestContext {
  return { req, res, url, collectionUrl, projectSegment: undefined, apiVersion: '7.1', userIndex: 0, bodyFault: undefined };
}

/**
 * Admin routes (no auth):
 *   GET    /_emulator/state     work items (with relations), attachments (size, sha256), subscriptions, deliveries
 *   GET    /_emulator/stats     requests by "METHOD /route/{pattern}" and status, totals, bytes in/out
 *   GET    /_emulator/requests  the latest requests (method, path, status, start and end ms): what ran at once
 *   POST   /_emulator/faults    body {rules: FaultRule[], seed?: number}; DELETE /_emulator/faults clears them
 *   POST   /_emulator/reset     re-seed and clear statistics
 *   POST   /_emulator/attachments/{id}/deny   reading that attachment answers 403
 *          WorkItemUnauthorizedAttachmentException from then on
 *   POST   /_emulator/race      body {count?: number}: the next count PATCHes of work items lose a
 *          save race (a colleague's edit lands first) and answer 409 WorkItemRevisionMismatchException
 *   POST   /_emulator/work-items/{id}/attachments?fileName=NAME[&comment=TEXT][&user=INDEX][&storedCompressed=true]
 *          streams the body as a new attachment and links it to the work item as that user
 *          (default user 1, "a colleague"), exactly like an edit made in ADO; storedCompressed
 *          stores it gzip-compressed, as older clients uploaded through the file service.
 */
async function admin(config: ServerConfig, req: IncomingMessage, res: ServerResponse, url: URL, method: string, collectionUrl: string): Promise<void> {
  const ctx = adminContext(req, res, url, collectionUrl);
  const state = config.state;
  const route = `${method} ${url.pathname}`;
  if (route === 'GET /_emulator/state') {
    return sendJson(ctx, 200, {
      project: { id: state.projectId, name: state.projectName },
      workItems: [...state.workItems.values()].map((i) => ({ id: i.id, rev: i.rev, deleted: i.deleted, fields: i.fields, relations: i.relations, updates: i.updates.length })),
      attachments: [...state.attachments.values()].map((a) => ({ id: a.id, fileName: a.fileName, size: a.size, sha256: a.sha256, complete: a.complete, chunked: a.chunked })),
      subscriptions: [...state.subscriptions.values()].map((s) => ({ id: s.id, ...s.body })),
      deliveries: config.hooks.deliveries,
    });
  }
  if (route === 'GET /_emulator/stats') return sendJson(ctx, 200, state.stats);
  if (route === 'GET /_emulator/requests') return sendJson(ctx, 200, state.requestLog);
  if (route === 'POST /_emulator/faults') {
    const body = await readJson(req);
    try {
      const rules = validateRules(isRecord(body) ? body.rules : undefined);
      config.faults.set(rules, isRecord(body) && typeof body.seed === 'number' ? body.seed : 1);
    } catch (error) {
      if (error instanceof FaultSpecError || error instanceof SyntaxError) throw new AdoError(400, error.message, 'InvalidArgumentValueException');
      throw error;
    }
    return sendJson(ctx, 200, { rules: config.faults.active });
  }
  if (route === 'DELETE /_emulator/faults') {
    config.faults.set([]);
    return sendJson(ctx, 200, { rules: [] });
  }
  if (route === 'POST /_emulator/race') {
    const body = await readJson(req);
    state.saveRaces = isRecord(body) && typeof body.count === 'number' ? body.count : 1;
    return sendJson(ctx, 200, { saveRaces: state.saveRaces });
  }
  if (route === 'POST /_emulator/reset') {
    await config.reseed();
    return sendJson(ctx, 200, { workItems: state.workItems.size });
  }
  const deny = /^\/_emulator\/attachments\/([0-9a-fA-F-]{36})\/deny$/.exec(url.pathname);
  if (deny && method === 'POST') {
    state.deniedAttachments.add(deny[1].toLowerCase());
    return sendJson(ctx, 200, { denied: [...state.deniedAttachments] });
  }
  const attach = /^\/_emulator\/work-items\/(\d+)\/attachments$/.exec(url.pathname);
  if (attach && method === 'POST') return colleagueAttachment(config, ctx, Number(attach[1]));
  throw new AdoError(404, `Unknown emulator admin route ${route}.`, 'ResourceNotFoundException');
}

/** Replaces a blob by its gzip form; returns the compressed length. */
async function compressInPlace(file: string): Promise<number> {
  await pipeline(createReadStream(file), createGzip(), createWriteStream(`${file}.gz`));
  await fs.rename(`${file}.gz`, file);
  return (await fs.stat(file)).size;
}

async function colleagueAttachment(config: ServerConfig, ctx: RequestContext, id: number): Promise<void> {
  const state = config.state;
  const item = state.liveWorkItem(id);
  if (!item) throw new AdoError(404, `TF401232: Work item ${id} does not exist, or you do not have permissions to read it.`, 'WorkItemUnauthorizedAccessException');
  const fileName = ctx.url.searchParams.get('fileName') ?? 'attachment.bin';
  const userIndex = Number(ctx.url.searchParams.get('user') ?? 1);
  const attachmentId = randomUUID();
  const file = path.join(config.dataDir, attachmentId);
  const { createHash } = await import('node:crypto');
  const hash = createHash('sha256');
  let size = 0;
  await pipeline(ctx.req, async function* (source: AsyncIterable<Buffer>) {
    for await (const chunk of source) {
      hash.update(chunk);
      size += chunk.length;
      yield chunk;
    }
  }, createWriteStream(file));
  if (size > config.maxAttachmentSize) {
    await fs.rm(file, { force: true });
    throw new AdoError(400, 'TF237082: too large', 'WorkItemAttachmentExceedsMaxSizeException');
  }
  const gzipBytes = ctx.url.searchParams.get('storedCompressed') === 'true' ? await compressInPlace(file) : undefined;
  state.attachments.set(attachmentId, { id: attachmentId, fileName, size, sha256: hash.digest('hex'), path: file, complete: true, createdDate: new Date().toISOString(), chunked: false, gzipBytes });
  const comment = ctx.url.searchParams.get('comment');
  const updated = updateWorkItem(state, item, [{ op: 'add', path: '/relations/-', value: { rel: 'AttachedFile', url: attachmentUrl(ctx.collectionUrl, attachmentId), attributes: { name: fileName, ...(comment ? { comment } : {}) } } }], {
    collectionUrl: ctx.collectionUrl,
    by: state.users[userIndex] ?? state.users[1] ?? state.users[0],
    onChange: (changed, update, created) => config.hooks.workItemChanged(ctx.collectionUrl, changed, update, created),
  }, false);
  sendJson(ctx, 200, { id: attachmentId, url: attachmentUrl(ctx.collectionUrl, attachmentId), workItemId: updated.id, rev: updated.rev });
}
