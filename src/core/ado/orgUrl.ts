// Parses and normalises the organization (Services) or collection (Server/TFS) URL the user
// gives. The result's baseUrl is what every REST path hangs off: `{baseUrl}/{project}/_apis/...`.
//   Services: https://dev.azure.com/{org}, https://{org}.visualstudio.com
//   Server:   https://host[:port]/tfs/{Collection}, https://host[:port]/{Collection}
// Plain http sends the PAT in clear text, so it is allowed only with a warning, except on
// loopback (the local emulator) where nothing leaves the machine.

export type DeploymentKind = 'services' | 'server';

export interface OrgUrl {
  /** Normalised, without a trailing slash. */
  readonly baseUrl: string;
  readonly kind: DeploymentKind;
  /** Organization name (Services) or collection name (Server). */
  readonly collection: string;
  readonly host: string;
  readonly isLoopback: boolean;
  /** http: credentials travel unencrypted. */
  readonly insecure: boolean;
  readonly warnings: readonly string[];
}

export class OrgUrlError extends Error {
  override name = 'OrgUrlError';
}

const SERVICES_HOST = 'dev.azure.com';
const LEGACY_SERVICES_SUFFIX = '.visualstudio.com';

export function parseOrgUrl(raw: string): OrgUrl {
  const url = toUrl(raw);
  const warnings: string[] = [];
  const host = url.hostname.toLowerCase();
  const isLoopback = isLoopbackHost(host);
  const insecure = url.protocol === 'http:';
  const segments = pathBeforeRoutes(url, warnings);

  const services = servicesShape(host, segments, warnings);
  const kind: DeploymentKind = services ? 'services' : 'server';
  if (kind === 'services' && insecure) {
    throw new OrgUrlError(`Azure DevOps Services only accepts https: use https://${url.host}${url.pathname.replace(/\/+$/, '')}`);
  }
  if (insecure && !isLoopback) {
    warnings.push(`${url.host} is reached over plain http: the access token travels unencrypted. Use https if the server offers it.`);
  }
  const pathSegments = services ? services.segments : serverSegments(segments, warnings);
  const path = pathSegments.map((s) => encodeURIComponent(s)).join('/');
  return {
    baseUrl: `${url.protocol}//${url.host.toLowerCase()}${path ? `/${path}` : ''}`,
    kind,
    collection: services ? services.collection : pathSegments[pathSegments.length - 1],
    host,
    isLoopback,
    insecure,
    warnings,
  };
}

function toUrl(raw: string): URL {
  const text = raw.trim();
  if (text === '') throw new OrgUrlError('The organization or collection URL is empty.');
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new OrgUrlError(`Not a URL: "${text}".`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new OrgUrlError(`The URL must start with https:// (or http:// for a local server); got ${url.protocol}//.`);
  }
  if (url.username || url.password) {
    // Never accept credentials in the URL: they would end up in settings, logs and errors.
    throw new OrgUrlError('Remove the user name and password from the URL; the access token is configured separately.');
  }
  if (url.search) throw new OrgUrlError('The URL must not have a query string (remove the part from "?").');
  return url;
}

/** Path segments before the first route segment such as `_apis`, `_workitems`, `_git`. */
function pathBeforeRoutes(url: URL, warnings: string[]): string[] {
  const all = url.pathname.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  const routeAt = all.findIndex((s) => s.startsWith('_'));
  if (routeAt === -1) return all;
  warnings.push(`Ignored "/${all.slice(routeAt).join('/')}" at the end of the URL.`);
  return all.slice(0, routeAt);
}

function servicesShape(host: string, segments: string[], warnings: string[]) {
  if (host === SERVICES_HOST) {
    if (segments.length === 0) throw new OrgUrlError('Add the organization to the URL: https://dev.azure.com/{organization}.');
    if (segments.length > 1) warnings.push(`Ignored "/${segments.slice(1).join('/')}" after the organization (set the project separately).`);
    return { collection: segments[0], segments: segments.slice(0, 1) };
  }
  if (host.endsWith(LEGACY_SERVICES_SUFFIX) && host !== LEGACY_SERVICES_SUFFIX.slice(1)) {
    // {org}.visualstudio.com and the old {org}.visualstudio.com/DefaultCollection both work.
    const keep = segments[0]?.toLowerCase() === 'defaultcollection' ? segments.slice(0, 1) : [];
    if (segments.length > keep.length) warnings.push(`Ignored "/${segments.slice(keep.length).join('/')}" after the organization (set the project separately).`);
    return { collection: host.slice(0, -LEGACY_SERVICES_SUFFIX.length), segments: keep };
  }
  return undefined;
}

function serverSegments(segments: string[], warnings: string[]): string[] {
  if (segments.length === 0) {
    throw new OrgUrlError('Add the collection to the URL, e.g. https://server/DefaultCollection or https://server/tfs/DefaultCollection.');
  }
  if (segments[0].toLowerCase() === 'tfs' && segments.length === 1) {
    throw new OrgUrlError('Add the collection after /tfs, e.g. https://server/tfs/DefaultCollection.');
  }
  // The URL is otherwise opaque (servers may live under any virtual directory): keep it as given,
  // but say what we assumed when it could also be a collection followed by a project.
  const usual = segments[0].toLowerCase() === 'tfs' ? 2 : 1;
  if (segments.length > usual) {
    const last = segments[segments.length - 1];
    warnings.push(`Assuming the collection is "/${segments.join('/')}". If "${last}" is a project, remove it from the URL and set the project separately.`);
  }
  return segments;
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}
