// Wire helpers: the service's date format, error JSON and response writing.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';

export const END_OF_TIME = '9999-01-01T00:00:00Z';

/** ISO-8601 UTC with trailing zero fractions trimmed, as the service prints dates. */
export function adoDate(date: Date = new Date()): string {
  return date.toISOString().replace(/\.?0+Z$/, 'Z').replace(/\.Z$/, 'Z');
}

/** A failure the router turns into the service's wrapped error JSON. */
export class AdoError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly typeKey: string,
    readonly headers: Record<string, string> = {},
    /** 'httpError': the {"Message"} body of ASP.NET's CreateErrorResponse, used by a few controllers. */
    readonly shape: 'wrapped' | 'httpError' = 'wrapped',
  ) {
    super(message);
  }
}

export function errorBody(error: AdoError): Record<string, unknown> {
  if (error.shape === 'httpError') return { $id: '1', Message: error.message };
  return {
    $id: '1',
    innerException: null,
    message: error.message,
    typeName: `Microsoft.TeamFoundation.WorkItemTracking.Server.${error.typeKey}, Microsoft.TeamFoundation.WorkItemTracking.Server`,
    typeKey: error.typeKey,
    errorCode: 0,
    eventId: 3000,
  };
}

/** 'lose-answer': the request is carried out, then the connection drops before any answer. */
export type BodyFault = 'truncate' | 'reset-mid-body' | 'lose-answer';

/** Per-request context shared by the route handlers. */
export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  /** http://host:port/DefaultCollection, built from the request's Host header. */
  readonly collectionUrl: string;
  /** The project segment the client used, or undefined for collection-scoped calls. */
  readonly projectSegment: string | undefined;
  readonly apiVersion: string;
  readonly userIndex: number;
  /** Fault kind to apply to the response body, if any. */
  readonly bodyFault: BodyFault | undefined;
}

export function baseHeaders(apiVersion: string): Record<string, string> {
  const activity = randomUUID();
  return { 'x-vss-e2eid': activity, ActivityId: activity, 'X-TFS-Session': activity, 'x-vss-apiversion': apiVersion };
}

/** Writes a body, honouring a pending truncate/reset fault (half the bytes, then end or destroy). */
export function writeBody(ctx: Pick<RequestContext, 'res' | 'bodyFault'>, status: number, headers: Record<string, string>, body: Buffer): void {
  if (ctx.bodyFault === 'lose-answer') {
    ctx.res.socket?.destroy();
    return;
  }
  ctx.res.writeHead(status, { ...headers, 'Content-Length': String(body.length) });
  if (ctx.bodyFault && body.length > 1) {
    const part = body.subarray(0, Math.floor(body.length / 2));
    if (ctx.bodyFault === 'truncate') {
      ctx.res.write(part, () => ctx.res.socket?.end());
    } else {
      ctx.res.write(part, () => ctx.res.socket?.destroy());
    }
    return;
  }
  ctx.res.end(body);
}

export function sendJson(ctx: RequestContext, status: number, value: unknown, extraHeaders: Record<string, string> = {}): void {
  const headers = {
    ...baseHeaders(ctx.apiVersion),
    'Content-Type': `application/json; charset=utf-8; api-version=${ctx.apiVersion}`,
    ...extraHeaders,
  };
  writeBody(ctx, status, headers, Buffer.from(JSON.stringify(value)));
}

export function sendError(ctx: Pick<RequestContext, 'res' | 'bodyFault'> & { apiVersion?: string }, error: AdoError): void {
  const headers = {
    ...baseHeaders(ctx.apiVersion ?? '7.1'),
    'Content-Type': 'application/json; charset=utf-8',
    ...error.headers,
  };
  writeBody({ res: ctx.res, bodyFault: undefined }, error.status, headers, Buffer.from(JSON.stringify(errorBody(error))));
}

/** Reads a JSON body (small requests only: JSON bodies, never attachments). */
export async function readJson(req: IncomingMessage, limit = 32 * 1024 * 1024): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new AdoError(413, 'Request body too large.', 'RequestTooLargeException');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AdoError(400, 'The request body could not be parsed as JSON.', 'InvalidArgumentValueException');
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
