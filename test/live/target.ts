// A target of the live scenarios: a real organization (ADO_LIVE=1 with AZDO_*), or the emulator.
// Raw HTTP on purpose: the scenarios record what the service answers, not what our client makes of it.

export interface Observation {
  /** Key into expected-behaviour.json. */
  key: string;
  status: number;
  typeKey?: string;
  message?: string;
  /** Response headers the table cares about (lower-case names). */
  headers: Record<string, string>;
  /** Derived facts (e.g. "relationsInAnswer": true). */
  facts: Record<string, boolean | number | string>;
}

export interface Target {
  readonly baseUrl: string;
  readonly project: string;
  readonly pat: string;
  readonly apiVersion: string;
  /** A public URL for service-hook delivery, and how to see what arrived there (emulator mode only). */
  readonly hookUrl?: string;
  readonly hookDeliveries?: () => Promise<number>;
  /** Type of the work items the run creates (the process must have it). */
  readonly workItemType: string;
  /** Work items the run created, destroyed at the end when asked to. */
  readonly created: number[];
}

export interface Reply {
  status: number;
  headers: Headers;
  bytes: Buffer;
  text: string;
  json(): Record<string, unknown>;
}

export function basicAuth(pat: string): string {
  return `Basic ${Buffer.from(`:${pat}`).toString('base64')}`;
}

export interface CallOptions {
  body?: string | Buffer | unknown;
  headers?: Record<string, string>;
  /** Leave out the credentials header, or send this PAT instead. */
  pat?: string | null;
  suppressRedirect?: boolean;
  /** Full URL instead of baseUrl + path. */
  absolute?: boolean;
}

export async function call(target: Target, method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const raw = typeof options.body === 'string' || Buffer.isBuffer(options.body);
  const headers: Record<string, string> = { Accept: 'application/json', ...(options.suppressRedirect === false ? {} : { 'X-TFS-FedAuthRedirect': 'Suppress' }) };
  const pat = options.pat === undefined ? target.pat : options.pat;
  if (pat !== null) headers.Authorization = basicAuth(pat);
  if (options.body !== undefined) headers['Content-Type'] = raw ? 'application/octet-stream' : method === 'PATCH' || path.includes('/workitems/$') ? 'application/json-patch+json' : 'application/json';
  Object.assign(headers, options.headers);
  const response = await fetch(options.absolute ? path : `${target.baseUrl}${path}`, {
    method,
    headers,
    redirect: 'manual',
    body: options.body === undefined ? undefined : raw ? new Uint8Array(Buffer.from(options.body as string | Buffer)) : JSON.stringify(options.body),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  const text = bytes.toString('utf8');
  return { status: response.status, headers: response.headers, bytes, text, json: () => (text.trim() ? (JSON.parse(text.replace(/^\uFEFF/, '')) as Record<string, unknown>) : {}) };
}

const RECORDED_HEADERS = ['location', 'content-type', 'content-disposition', 'content-encoding', 'retry-after', 'x-ratelimit-resource', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'x-ratelimit-delay'];

export function observe(key: string, reply: Reply, facts: Observation['facts'] = {}): Observation {
  let typeKey: string | undefined;
  let message: string | undefined;
  if (reply.status >= 400) {
    try {
      const body = reply.json();
      typeKey = typeof body.typeKey === 'string' ? body.typeKey : undefined;
      message = typeof body.message === 'string' ? body.message : typeof body.Message === 'string' ? body.Message : undefined;
    } catch {
      message = reply.text.slice(0, 300);
    }
  }
  const headers: Record<string, string> = {};
  for (const name of RECORDED_HEADERS) {
    const value = reply.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  return { key, status: reply.status, typeKey, message, headers, facts };
}

export function v(target: Target): string {
  return `api-version=${target.apiVersion}`;
}
