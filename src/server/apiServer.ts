// The HTTP API's request handler: matches a route, checks the bearer token, runs the route and
// answers JSON. It owns no socket: `ado-sync serve` mounts it beside the webhook receiver on the
// receiver's port. Node's http module is enough for sixteen fixed routes; a router library would
// add a dependency for a dozen lines of matching.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { AuthenticationError, NotFoundError, PermissionError } from '../core/ado';
import { SyncRequestError } from '../core/sync/itemError';
import { CorsPolicy, isPreflight } from './cors';
import { EventStreams } from './eventStream';
import { HttpError } from './httpError';
import { isAdminKey } from './serveControl';
import { TokenRateLimit } from './rateLimit';
import { ROUTES, type ApiDeps, type Route } from './routes';
import { errorMessage } from '../core/errorMessage';

interface CompiledRoute { route: Route; pattern: RegExp; names: string[] }

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), names };
}

function send(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  // A body we did not read (refused before or while reading it) is not drained: close the connection.
  const unread = !req.complete;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...(unread ? { connection: 'close' } : {}), ...headers });
  res.end(JSON.stringify(body));
  if (unread) res.once('finish', () => req.destroy());
}

function errorBody(message: string, code: string) {
  return { success: false, error: { message, code } };
}

/** What a failure becomes: the caller's mistake (4xx), Azure DevOps refusing (502 with its words), or ours (500). */
function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof NotFoundError) return new HttpError(404, 'ADO_NOT_FOUND', error.message);
  if (error instanceof SyncRequestError) return new HttpError(404, error.code === 'WorkItemNotFound' ? 'WORK_ITEM_NOT_FOUND' : 'NOT_FOUND', error.message);
  if (error instanceof AuthenticationError || error instanceof PermissionError) {
    return new HttpError(502, 'ADO_CREDENTIALS', `Azure DevOps refused the server's credentials: ${error.message}`);
  }
  return new HttpError(500, 'INTERNAL', errorMessage(error));
}

function bearer(req: IncomingMessage): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
}

export interface ApiHandlerOptions {
  log?: (message: string) => void;
  /** Aborted when the server stops: routes in flight give up their transfers. */
  signal?: AbortSignal;
  /** Requests per minute per token (default DEFAULT_RATE_LIMIT_RPM). */
  rateLimitRpm?: number;
  /** The key of the token routes (serveControl.ts); without it they refuse every call. */
  adminKey?: string;
  /** Origins that browser scripts may call the API from (parseCorsOrigin); none: cross-origin calls are off. */
  corsOrigins?: readonly string[];
}

export const DEFAULT_RATE_LIMIT_RPM = 600;

export function createApiHandler(deps: ApiDeps, options: ApiHandlerOptions = {}): RequestListener {
  const compiled = ROUTES.map(compile);
  const signal = options.signal ?? new AbortController().signal;
  const streams = new EventStreams(deps.engine.events);
  const limit = new TokenRateLimit(options.rateLimitRpm ?? DEFAULT_RATE_LIMIT_RPM);
  const cors = new CorsPolicy(options.corsOrigins);
  // Async: the token check reads the store, which may be PostgreSQL.
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    cors.decorate(req, res);
    const candidates = compiled.flatMap((c) => {
      const m = c.pattern.exec(path);
      return m ? [{ c, m }] : [];
    });
    if (candidates.length === 0) return send(req, res, 404, errorBody(`no route ${path}`, 'NO_ROUTE'));
    if (isPreflight(req)) {
      if (!cors.answerPreflight(req, res, candidates.map(({ c }) => c.route.method))) send(req, res, 403, errorBody(cors.refusal(req), 'CORS_ORIGIN_NOT_ALLOWED'));
      return;
    }
    const hit = candidates.find(({ c }) => c.route.method === req.method);
    if (!hit) {
      const allow = candidates.map(({ c }) => c.route.method).join(', ');
      return send(req, res, 405, errorBody(`${req.method ?? '?'} is not allowed on ${path}; use ${allow}`, 'METHOD_NOT_ALLOWED'), { allow });
    }
    const { route, names } = hit.c;
    if (route.admin) {
      if (!isAdminKey(bearer(req), options.adminKey)) {
        return send(req, res, 401, errorBody('this route takes the admin key that serve keeps beside its database (<database>.serve), as "ado-sync token" on its machine sends it; API tokens do not manage tokens', 'ADMIN_KEY_REQUIRED'),
          { 'www-authenticate': 'Bearer' });
      }
    } else if (route.auth) {
      const token = bearer(req);
      const caller = token ? await deps.store.apiTokens.verify(token) : undefined;
      if (!caller) {
        return send(req, res, 401, errorBody('send a valid API token as "Authorization: Bearer <token>" (create one with "ado-sync token create --name <name>")', 'UNAUTHORIZED'),
          { 'www-authenticate': 'Bearer' });
      }
      // A known caller may upload for long, wait for a sync or hold an event stream: the idle close
      // that guards the shared port stays for everyone else (and returns once this answer is sent).
      req.socket.setTimeout(0);
      const wait = limit.take(caller.id);
      if (wait !== undefined) {
        return send(req, res, 429, errorBody(`token "${caller.name}" is over its limit of requests per minute; retry in ${wait} s`, 'RATE_LIMITED'), { 'retry-after': String(wait) });
      }
    }
    let params: Record<string, string>;
    try {
      params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(hit.m[i + 1])]));
    } catch {
      return send(req, res, 400, errorBody('the path is not valid percent-encoding', 'BAD_REQUEST'));
    }
    route.handle({ req, params, query: url.searchParams, deps, signal, streams })
      .then((answer) => ('stream' in answer ? answer.stream(res) : send(req, res, answer.status ?? 200, answer.body)))
      .catch((error: unknown) => {
        const e = toHttpError(error);
        if (e.status >= 500) options.log?.(`api: ${req.method ?? '?'} ${path} failed: ${e.message}`);
        send(req, res, e.status, errorBody(e.message, e.code));
      });
  };
  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      const e = toHttpError(error);
      options.log?.(`api: ${req.method ?? '?'} ${req.url ?? ''} failed: ${e.message}`);
      send(req, res, e.status, errorBody(e.message, e.code));
    });
  };
}
