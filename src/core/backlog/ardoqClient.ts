// Reads a workspace's components from the Ardoq REST API v2: GET /api/v2/components?rootWorkspace=
// with a Bearer token (and the X-org label when given), following `_links.next.href` until a page
// has none (developer.ardoq.com, "Pagination").
import fetch, { type Response } from 'node-fetch';
import { type ArdoqComponent, parseComponent } from './ardoqComponent';

export interface ArdoqApiOptions {
  /** e.g. https://myorg.ardoq.com or https://app.ardoq.com */
  orgUrl: string;
  /** Sent as X-org; needed on the shared host app.ardoq.com. */
  orgLabel?: string;
  workspaceId: string;
  token: string;
  signal?: AbortSignal;
  /** Per request, default 60 s. */
  timeoutMs?: number;
  /** Guards against a server that keeps answering with a next link. */
  maxPages?: number;
}

export class ArdoqApiError extends Error {
  override name = 'ArdoqApiError';
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

/** 401/403: the token is wrong, expired or lacks access to the workspace. */
export class ArdoqAuthError extends ArdoqApiError {
  override name = 'ArdoqAuthError';
}

interface ComponentPage {
  values?: unknown;
  _links?: { next?: { href?: unknown } };
}

export function componentsUrl(orgUrl: string, workspaceId: string): URL {
  const url = new URL('api/v2/components', orgUrl.endsWith('/') ? orgUrl : `${orgUrl}/`);
  url.searchParams.set('rootWorkspace', workspaceId);
  return url;
}

export async function fetchArdoqComponents(options: ArdoqApiOptions): Promise<ArdoqComponent[]> {
  if (options.token.trim() === '') throw new ArdoqAuthError('The Ardoq API token is empty.');
  const first = componentsUrl(options.orgUrl, options.workspaceId);
  const components: ArdoqComponent[] = [];
  let next: URL | undefined = first;
  for (let page = 1; next; page += 1) {
    if (page > (options.maxPages ?? 10_000)) throw new ArdoqApiError(`Ardoq kept paging past ${options.maxPages ?? 10_000} pages.`);
    const body = await getPage(next, options);
    if (!Array.isArray(body.values)) throw new ArdoqApiError(`Ardoq answered page ${page} without a "values" array.`);
    body.values.forEach((raw, index) => components.push(parseComponent(raw, `Ardoq page ${page}, component ${index + 1}`)));
    next = nextLink(body, first);
  }
  return components;
}

/** The next page's URL; only on the same origin, so the token never goes to another host. */
function nextLink(body: ComponentPage, first: URL): URL | undefined {
  const href = body._links?.next?.href;
  if (typeof href !== 'string' || href === '') return undefined;
  const url = new URL(href, first);
  if (url.origin !== first.origin) throw new ArdoqApiError(`Ardoq's next-page link points to another host (${url.origin}); not following it.`);
  return url;
}

async function getPage(url: URL, options: ArdoqApiOptions): Promise<ComponentPage> {
  const headers: Record<string, string> = { Authorization: `Bearer ${options.token.trim()}`, Accept: 'application/json' };
  if (options.orgLabel) headers['X-org'] = options.orgLabel;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 60_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await fetch(url.href, { headers, signal });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ArdoqApiError(`Could not reach Ardoq at ${url.origin}: ${(error as Error).message}`);
  }
  const text = await response.text();
  if (!response.ok) throw errorFor(response.status, text, url);
  try {
    return JSON.parse(text) as ComponentPage;
  } catch {
    throw new ArdoqApiError(`Ardoq answered ${url.pathname} with something that is not JSON.`, response.status);
  }
}

function errorFor(status: number, text: string, url: URL): ArdoqApiError {
  const detail = serverMessage(text);
  const message = `Ardoq answered ${status} for ${url.pathname}${detail ? `: ${detail}` : ''}`;
  return status === 401 || status === 403 ? new ArdoqAuthError(message, status) : new ArdoqApiError(message, status);
}

function serverMessage(text: string): string | undefined {
  try {
    const json = JSON.parse(text) as { message?: unknown; error?: unknown };
    const message = json.message ?? json.error;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return text.trim().slice(0, 200) || undefined;
  }
}
