// A small Ardoq REST API emulator (a dev/test tool, never shipped): the part of /api/v2 the
// backlog import reads, on loopback, with the real API's token check and pagination
// (`values`, `_links.next.href`, `_meta`; developer.ardoq.com "Pagination").
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ArdoqRecord } from './backlog';

export { generateBacklog, childrenFirst, component, oid, type ArdoqRecord, type BacklogShape } from './backlog';

export interface ArdoqEmulatorOptions {
  port?: number;
  /** The API token accepted as `Authorization: Bearer <token>`. */
  token: string;
  /** Workspace id -> its components. */
  workspaces: Record<string, ArdoqRecord[]>;
  /** When set, requests must carry `X-org: <label>` (as on app.ardoq.com). */
  orgLabel?: string;
  /** Components per page (the real default is not documented; small pages exercise paging). */
  pageSize?: number;
  /** Answer this status for every components request (outage tests). */
  failWith?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
}

export interface RunningArdoqEmulator {
  /** e.g. http://127.0.0.1:40123 : the "organization URL". */
  readonly url: string;
  readonly port: number;
  readonly requests: readonly RecordedRequest[];
  readonly workspaces: Record<string, ArdoqRecord[]>;
  close(): Promise<void>;
}

interface Page {
  values: unknown[];
  _links: { next?: { href: string } };
  _meta: Record<string, unknown>;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export async function startArdoqEmulator(options: ArdoqEmulatorOptions): Promise<RunningArdoqEmulator> {
  const requests: RecordedRequest[] = [];
  let origin = '';
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const record: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), status: 200 };
    requests.push(record);
    try {
      authorize(req, options);
      const body = route(req, url, options, origin);
      send(res, 200, body);
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500;
      record.status = status;
      send(res, status, { message: error instanceof Error ? error.message : String(error) });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  let closed: Promise<void> | undefined;
  return {
    url: origin,
    port,
    requests,
    workspaces: options.workspaces,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

function authorize(req: IncomingMessage, options: ArdoqEmulatorOptions): void {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  if (!match || match[1].trim() !== options.token) throw new HttpError(401, 'Unauthorized: missing or invalid API token.');
  if (options.orgLabel && req.headers['x-org'] !== options.orgLabel) throw new HttpError(403, `The token is not valid for organization "${String(req.headers['x-org'] ?? '')}".`);
}

function route(req: IncomingMessage, url: URL, options: ArdoqEmulatorOptions, origin: string): unknown {
  if (req.method !== 'GET') throw new HttpError(405, `${req.method} is not supported by this emulator.`);
  if (url.pathname === '/api/v2/me') return { org: { name: options.orgLabel ?? 'Emulated Org', label: options.orgLabel ?? 'emulated' }, user: { email: 'importer@example.com', name: 'Importer' } };
  if (url.pathname === '/api/v2/components') {
    if (options.failWith) throw new HttpError(options.failWith, 'The emulator was told to fail.');
    return paged(filterComponents(url, options), url, options, origin);
  }
  const workspace = /^\/api\/v2\/workspaces\/([^/]+)$/.exec(url.pathname);
  if (workspace) {
    const id = decodeURIComponent(workspace[1]);
    if (!options.workspaces[id]) throw new HttpError(404, `Workspace ${id} not found.`);
    return { _id: id, name: `Workspace ${id}`, componentCount: options.workspaces[id].length };
  }
  if (url.pathname === '/api/v2/workspaces') return paged(Object.keys(options.workspaces).map((id) => ({ _id: id, name: `Workspace ${id}` })), url, options, origin);
  throw new HttpError(404, `No route for ${url.pathname}.`);
}

/** Query parameters form a conjunction, as the real list endpoint documents. */
function filterComponents(url: URL, options: ArdoqEmulatorOptions): ArdoqRecord[] {
  const q = url.searchParams;
  const root = q.get('rootWorkspace');
  if (root !== null && !options.workspaces[root]) throw new HttpError(404, `Workspace ${root} not found.`);
  const all = root !== null ? options.workspaces[root] : Object.values(options.workspaces).flat();
  const filters: [keyof ArdoqRecord, string | null][] = [
    ['parent', q.get('parent')],
    ['typeId', q.get('typeId')],
    ['name', q.get('name')],
    ['componentKey', q.get('componentKey')],
  ];
  return all.filter((c) => filters.every(([key, value]) => value === null || c[key] === value));
}

/** `offset` lives inside the opaque next link; clients must not build it themselves. */
function paged(values: unknown[], url: URL, options: ArdoqEmulatorOptions, origin: string): Page {
  const size = Math.max(1, options.pageSize ?? 100);
  const offset = Number(url.searchParams.get('offset') ?? 0);
  if (!Number.isInteger(offset) || offset < 0) throw new HttpError(400, 'Invalid offset.');
  const page: Page = { values: values.slice(offset, offset + size), _links: {}, _meta: { total: values.length } };
  if (offset + size < values.length) {
    const next = new URL(url.pathname + url.search, origin);
    next.searchParams.set('offset', String(offset + size));
    page._links.next = { href: next.href };
  }
  return page;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
