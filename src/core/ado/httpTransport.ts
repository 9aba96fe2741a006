// The one place that calls node-fetch. Every request gets: auth and the fixed headers, the
// api-version, a token from the rate limiter, an idle timeout, the caller's AbortSignal, retries
// with backoff for transient failures, the server's rate-limit headers, and typed errors.
// The caller's `read` runs inside the retry loop, so a body that breaks while streaming is
// retried like a request that failed while sending.
import type { Readable } from 'node:stream';
import fetch, { type RequestInit, type Response } from 'node-fetch';
import type { ApiVersion, ApiVersionNegotiator } from './apiVersion';
import { type AuthStrategy, redactSecrets } from './auth';
import type { Clock, Sleep } from './clock';
import { AdoError, type AdoErrorDetails, CancelledError, NetworkError, ProxyAuthenticationError, TimeoutError } from './errors';
import type { OrgUrl } from './orgUrl';
import type { ProxyRouting } from './proxy';
import type { TokenBucket } from './rateLimiter';
import { observeRequest } from './requestHook';
import { errorFromResponse, parseServiceError, stripBom } from './responseError';
import { type Idempotency, parseRetryAfter, parseSeconds, type RetryPolicy } from './retryPolicy';
import { errorMessage } from '../errorMessage';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, message: string) => void;

export interface TransportConfig {
  org: OrgUrl;
  auth: AuthStrategy;
  versions: ApiVersionNegotiator;
  limiter: TokenBucket;
  retry: RetryPolicy;
  clock: Clock;
  timeoutMs: number;
  userAgent: string;
  sessionId: string;
  proxy?: ProxyRouting;
  log: Logger;
  /** Told before each wait for a retry (the CLI shows "retrying (n/m)…" on a terminal). */
  onRetry?: (notice: RetryNotice) => void;
  /**
   * The wait before a retry (default clock.sleep). VS Code ends it early when the user acts, so a
   * server that is back is used at once; the rate limiter keeps its own waits.
   */
  retrySleep?: Sleep;
}

export interface RetryNotice {
  /** 1 for the first retry. */
  readonly retry: number;
  readonly maxRetries: number;
  readonly delayMs: number;
  readonly error: unknown;
}

/** One try of a request: its abort signal, and progress reporting that keeps it alive. */
export interface Attempt {
  readonly signal: AbortSignal;
  /** Call on every bit of progress: the timeout counts from the last one. */
  touch(): void;
  /** Abort this try with a local error (e.g. the file could not be read). */
  fail(error: unknown): void;
}

export type RequestBody =
  | { kind: 'json'; value: unknown; contentType?: 'application/json' | 'application/json-patch+json' }
  | { kind: 'stream'; length: number; open: (attempt: Attempt) => Readable }
  /** An explicit empty octet-stream (chunked-upload start: ADO rejects a POST without Content-Type). */
  | { kind: 'empty' };

export type QueryValue = string | number | boolean | undefined;

export interface HttpRequest<T> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below the base URL, segments already encoded, e.g. `Demo/_apis/wit/workitems/5`. */
  path: string;
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  body?: RequestBody;
  accept?: string;
  idempotency: Idempotency;
  /** false for the few endpoints without api-version (connectionData). */
  versioned?: boolean;
  /** This api-version whatever was negotiated, for a route that exists only in it (workitemsdelete: 7.1). */
  pinnedVersion?: ApiVersion;
  /** Accept gzip (default true); off for downloads whose Content-Length we check. */
  compress?: boolean;
  signal?: AbortSignal;
  timeoutMs?: number;
  /**
   * Consulted before each retry the policy would allow: false stops (e.g. a chunk whose earlier try
   * may have been stored, where a 5xx means the session is stuck, not the server busy).
   */
  mayRetry?: (error: unknown) => boolean;
  /** Reads a successful response. Errors thrown here are classified and retried like any other. */
  read: (response: Response, attempt: Attempt) => Promise<T>;
}

const MAX_ERROR_BODY = 64 * 1024;
/** Connection failures where the request cannot have reached the server. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export class HttpTransport {
  constructor(readonly config: TransportConfig) {}

  get org(): OrgUrl {
    return this.config.org;
  }

  /** The negotiated api-version, once known. */
  get apiVersion(): ApiVersion | undefined {
    return this.config.versions.current;
  }

  async send<T>(request: HttpRequest<T>): Promise<T> {
    if (request.versioned === false) return this.withRetries(request, undefined);
    if (request.pinnedVersion) return this.withRetries(request, request.pinnedVersion);
    return this.config.versions.run((version) => this.withRetries(request, version));
  }

  /** A JSON request whose JSON answer is returned (undefined for an empty body). */
  async json<T>(request: Omit<HttpRequest<T>, 'read'>): Promise<T> {
    return this.send({ ...request, read: (response) => readJson<T>(response) });
  }

  log(level: LogLevel, message: string): void {
    this.config.log(level, redactSecrets(message, this.config.auth.secrets()));
  }

  private async withRetries<T>(request: HttpRequest<T>, version: ApiVersion | undefined): Promise<T> {
    const url = this.buildUrl(request, version);
    for (let attempt = 0; ; attempt++) {
      throwIfCancelled(request.signal, request.method, url);
      await this.config.limiter.acquire(request.signal).catch((error) => {
        throw asCancelled(error, request.method, url);
      });
      try {
        return await this.attemptOnce(request, url);
      } catch (error) {
        if (!this.config.retry.shouldRetry(error, attempt, request.idempotency) || request.mayRetry?.(error) === false) throw error;
        const wait = this.config.retry.delayMs(error, attempt);
        const reason = errorMessage(error);
        // The reason names the method and URL already.
        this.log('warn', `Retry ${attempt + 1}/${this.config.retry.options.maxRetries} in ${wait} ms after: ${reason}`);
        this.config.onRetry?.({ retry: attempt + 1, maxRetries: this.config.retry.options.maxRetries, delayMs: wait, error });
        await (this.config.retrySleep ?? this.config.clock.sleep)(wait, request.signal).catch((sleepError) => {
          throw asCancelled(sleepError, request.method, url);
        });
      }
    }
  }

  private async attemptOnce<T>(request: HttpRequest<T>, url: string): Promise<T> {
    const attempt = new AttemptControl(request.timeoutMs ?? this.config.timeoutMs, request.signal);
    let bodyStream: Readable | undefined;
    let response: Response | undefined;
    try {
      // The body stream is opened inside the observed context too: Node announces a request on
      // the diagnostics channel only when its body ends, from the body stream's async context.
      response = await observeRequest(attempt, async () => {
        const init = await this.requestInit(request, attempt);
        bodyStream = init.body as Readable | undefined;
        return fetch(url, init);
      });
      attempt.touch();
      attempt.watch(response.body);
      this.observeRateLimitHeaders(response);
      if (!response.ok || response.status === 203) throw await this.responseError(request, url, response);
      return await request.read(response, attempt);
    } catch (error) {
      throw attempt.classify(error, request.method, url);
    } finally {
      attempt.dispose();
      // Release the file handle and the socket whatever happened.
      if (bodyStream && typeof bodyStream.destroy === 'function' && !bodyStream.destroyed) bodyStream.destroy();
      if (response && !response.bodyUsed) response.body.resume();
    }
  }

  private async requestInit<T>(request: HttpRequest<T>, attempt: AttemptControl): Promise<RequestInit> {
    const headers: Record<string, string> = {
      Authorization: await this.config.auth.header(),
      // Without it an expired or wrong credential gets a sign-in page instead of a 401.
      'X-TFS-FedAuthRedirect': 'Suppress',
      'X-TFS-Session': this.config.sessionId,
      'User-Agent': this.config.userAgent,
      Accept: request.accept ?? 'application/json',
      ...request.headers,
    };
    const init: RequestInit = {
      method: request.method,
      headers,
      redirect: 'manual',
      compress: request.compress ?? true,
      signal: attempt.signal as NonNullable<RequestInit['signal']>,
    };
    const proxy = this.config.proxy;
    if (proxy) init.agent = (url) => proxy.agent(url);
    const body = request.body;
    if (body?.kind === 'json') {
      init.body = JSON.stringify(body.value);
      headers['Content-Type'] = `${body.contentType ?? 'application/json'}; charset=utf-8`;
    } else if (body?.kind === 'stream') {
      const stream = body.open(attempt);
      stream.once('error', (error) => attempt.fail(error));
      init.body = stream;
      headers['Content-Type'] = 'application/octet-stream';
      headers['Content-Length'] = String(body.length);
    } else if (body?.kind === 'empty') {
      init.body = '';
      headers['Content-Type'] = 'application/octet-stream';
      headers['Content-Length'] = '0';
    }
    return init;
  }

  private buildUrl(request: HttpRequest<unknown>, version: ApiVersion | undefined): string {
    const params = Object.entries(request.query ?? {}).filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined);
    if (version) params.push(['api-version', version]);
    const query = params.map(([key, value]) => `${key}=${encodeURIComponent(String(value))}`).join('&');
    return `${this.config.org.baseUrl}/${request.path}${query ? `?${query}` : ''}`;
  }

  private observeRateLimitHeaders(response: Response): void {
    const headers = response.headers;
    const now = this.config.clock.now();
    const retryAfter = parseRetryAfter(headers.get('retry-after'), now);
    const delay = parseSeconds(headers.get('x-ratelimit-delay'));
    const pause = Math.max(retryAfter ?? 0, delay ?? 0);
    if (pause > 0) {
      this.config.limiter.pauseFor(pause);
      this.log('info', `The server asked to slow down (${pause} ms); pausing requests.`);
    }
    this.config.limiter.observe({
      limit: numberHeader(headers.get('x-ratelimit-limit')),
      remaining: numberHeader(headers.get('x-ratelimit-remaining')),
      resetEpochSeconds: numberHeader(headers.get('x-ratelimit-reset')),
    });
  }

  private async responseError(request: HttpRequest<unknown>, url: string, response: Response): Promise<AdoError> {
    const contentType = response.headers.get('content-type') ?? '';
    const text = await readLimitedText(response, MAX_ERROR_BODY).catch(() => '');
    const details: AdoErrorDetails = {
      method: request.method,
      url,
      activityId: response.headers.get('activityid') ?? response.headers.get('x-vss-e2eid') ?? undefined,
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), this.config.clock.now()),
    };
    if (response.status >= 300 && response.status < 400) {
      const location = (response.headers.get('location') ?? '').split('?')[0];
      const signIn = /signin|login|_signedin|vssps/i.test(location);
      return errorFromResponse(signIn ? 401 : 400, { message: `redirected to ${location || 'another address'}` }, { ...details, status: response.status });
    }
    if (response.status === 407) {
      // The proxy answered, not Azure DevOps: name it, whatever the body says.
      const proxy = this.config.proxy?.proxyFor(new URL(url));
      return new ProxyAuthenticationError(`The proxy ${proxy ?? 'on the way to Azure DevOps'} asks for credentials (407 Proxy Authentication Required)`, { ...details, status: 407, proxy });
    }
    const body = parseServiceError(text, contentType);
    if (body.message) body.message = redactSecrets(body.message, this.config.auth.secrets());
    return errorFromResponse(response.status, body, details);
  }
}

/** Tracks one try: combines the caller's signal with an idle timeout and local failures. */
class AttemptControl implements Attempt {
  readonly #controller = new AbortController();
  readonly #timer: NodeJS.Timeout;
  readonly #userSignal?: AbortSignal;
  readonly #onUserAbort = () => this.#controller.abort();
  #timedOut = false;
  #failure: unknown;
  #incomplete = false;
  #body: NodeJS.ReadableStream | undefined;

  constructor(timeoutMs: number, userSignal?: AbortSignal) {
    this.#userSignal = userSignal;
    userSignal?.addEventListener('abort', this.#onUserAbort, { once: true });
    this.#timer = setTimeout(() => {
      this.#timedOut = true;
      this.#controller.abort();
    }, timeoutMs);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  touch(): void {
    if (!this.#controller.signal.aborted) this.#timer.refresh();
  }

  fail(error: unknown): void {
    if (this.#failure === undefined) this.#failure = error;
    this.#controller.abort();
  }

  /** node-fetch leaves a short body hanging; fail it as soon as we learn of it. */
  watch(body: NodeJS.ReadableStream): void {
    this.#body = body;
    if (this.#incomplete) this.destroyBody();
  }

  onIncompleteResponse(): void {
    this.#incomplete = true;
    this.destroyBody();
  }

  private destroyBody(): void {
    const body = this.#body as Readable | undefined;
    body?.destroy(Object.assign(new Error('the connection closed before the whole response arrived'), { code: 'ERR_INCOMPLETE_RESPONSE' }));
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#userSignal?.removeEventListener('abort', this.#onUserAbort);
  }

  /** Maps whatever was thrown during this try to a typed error. */
  classify(error: unknown, method: string, url: string): unknown {
    if (this.#userSignal?.aborted) return error instanceof CancelledError ? error : new CancelledError('Cancelled', { method, url, cause: error });
    // A local failure (file unreadable, changed) is the real cause, whatever fetch reported.
    if (this.#failure !== undefined) return this.#failure;
    if (this.#timedOut) return new TimeoutError('No progress within the request timeout', { method, url, cause: error });
    if (error instanceof AdoError) return error;
    const code = errorCode(error);
    if (code !== undefined || isFetchError(error)) {
      const message = errorMessage(error);
      return new NetworkError(`Network error: ${code ?? message}`, { method, url, code, requestSent: !NOT_SENT_CODES.has(code ?? ''), cause: error });
    }
    return error;
  }
}

function errorCode(error: unknown): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const record = error as { code?: unknown; errno?: unknown };
  if (typeof record.code === 'string') return record.code;
  return typeof record.errno === 'string' ? record.errno : undefined;
}

function isFetchError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'FetchError' || error.name === 'AbortError');
}

function throwIfCancelled(signal: AbortSignal | undefined, method: string, url: string): void {
  if (signal?.aborted) throw new CancelledError('Cancelled', { method, url });
}

function asCancelled(error: unknown, method: string, url: string): unknown {
  return error instanceof CancelledError ? new CancelledError('Cancelled', { method, url, cause: error }) : error;
}

function numberHeader(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

export async function readJson<T>(response: Response): Promise<T> {
  const text = stripBom(await response.text());
  if (text.trim() === '') return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new AdoError('The server sent a response that is not valid JSON', { status: response.status, url: response.url, cause: error });
  }
}

async function readLimitedText(response: Response, limit: number): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    if (size < limit) parts.push(buffer.subarray(0, limit - size));
    size += buffer.length;
  }
  return Buffer.concat(parts).toString('utf8');
}
