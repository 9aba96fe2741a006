// Cross-origin access to the HTTP API for browser tools (a dashboard on another origin). Off unless
// `serve --cors-origin <origin>` names origins: only those get the Access-Control headers and an
// answered preflight. Callers authenticate with a bearer token, never a cookie, so credentials are
// not allowed cross-origin and no header other than Authorization and Content-Type is needed.
import type { IncomingMessage, ServerResponse } from 'node:http';

const ALLOWED_HEADERS = 'authorization, content-type';
/** Headers a browser script may read from an answer: the rate limit's wait and the auth challenge. */
const EXPOSED_HEADERS = 'retry-after, www-authenticate';
const PREFLIGHT_MAX_AGE_S = 600;

export class CorsOriginError extends Error {
  override readonly name = 'CorsOriginError';
}

/** "https://tools.example.com" as a browser sends it in Origin: scheme, host and a port other than the default. */
export function parseCorsOrigin(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new CorsOriginError(`"${raw}" is not an origin; give scheme, host and port, such as https://tools.example.com or http://localhost:5173`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || url.pathname.length > 1 || url.search || url.hash) {
    throw new CorsOriginError(`"${raw}" is not an origin: give only scheme, host and port (no path, query or user), such as ${url.protocol.startsWith('http') ? url.origin : 'https://tools.example.com'}`);
  }
  return url.origin;
}

export function isPreflight(req: IncomingMessage): boolean {
  return req.method === 'OPTIONS' && req.headers.origin !== undefined && req.headers['access-control-request-method'] !== undefined;
}

export class CorsPolicy {
  private readonly origins: ReadonlySet<string>;
  constructor(origins: readonly string[] = []) {
    this.origins = new Set(origins);
  }

  get enabled(): boolean {
    return this.origins.size > 0;
  }

  /** The request's origin when it is one of ours. */
  private allowed(req: IncomingMessage): string | undefined {
    const origin = req.headers.origin;
    return origin !== undefined && this.origins.has(origin) ? origin : undefined;
  }

  /** Marks an answer to an allowed origin as readable there (errors too, so a tool can show them). */
  decorate(req: IncomingMessage, res: ServerResponse): void {
    // Answers differ by Origin once any origin is allowed: caches must keep them apart.
    if (this.enabled) res.setHeader('vary', 'origin');
    const origin = this.allowed(req);
    if (!origin) return;
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
  }

  /**
   * Answers a preflight for a path served with `methods`: 204 with what may be sent for an allowed
   * origin; otherwise false, and the caller refuses it.
   */
  answerPreflight(req: IncomingMessage, res: ServerResponse, methods: readonly string[]): boolean {
    if (!this.allowed(req)) return false;
    res.writeHead(204, {
      'access-control-allow-methods': methods.join(', '),
      'access-control-allow-headers': ALLOWED_HEADERS,
      'access-control-max-age': String(PREFLIGHT_MAX_AGE_S),
    });
    res.end();
    return true;
  }

  /** What a refused preflight's answer tells the operator to change. */
  refusal(req: IncomingMessage): string {
    const origin = req.headers.origin ?? '?';
    return this.enabled
      ? `origin ${origin} may not call this API; start serve with --cors-origin ${origin} to allow it`
      : `cross-origin calls are off; start serve with --cors-origin ${origin} to allow that origin`;
  }
}
