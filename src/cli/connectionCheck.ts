// Before a command works with Azure DevOps, two requests (connectionData, then the project) tell
// apart what the user must fix: a server that cannot be reached (refused, unknown host, TLS), a
// wrong collection path (404), a proxy that wants credentials (407), a refused token (401/403)
// and a project that does not exist.
// Each ends the command with one message and exit code 2, before any run is recorded.
import {
  type AdoClient,
  AuthenticationError,
  isCertificateCode,
  NetworkError,
  NotFoundError,
  PermissionError,
  ProxyAuthenticationError,
  type ProxyRouting,
  TimeoutError,
} from '../core/ado';
import { CliError } from './exitCodes';

/** What to do about credentials Azure DevOps refused. */
const TOKEN_CAUSES = 'it may be wrong, expired or revoked, or lack the Work Items (Read & write) scope.';
export const CREDENTIAL_HINT = `Check the personal access token in AZDO_PAT: ${TOKEN_CAUSES}`;

const CHECK_URL = 'Check --org-url or AZDO_ORG_URL.';

export async function checkConnection(client: AdoClient, proxy: ProxyRouting, signal: AbortSignal): Promise<void> {
  try {
    await client.whoAmI(signal);
  } catch (error) {
    throw serverProblem(error, client.org.baseUrl, proxy) ?? unreachable(error, client.org.baseUrl, proxy) ?? error;
  }
  // Only a 404 is acted on: a token without the Project (read) scope may be refused here and
  // still do everything the command needs, which its own requests will tell.
  const missing = await client.getProject(client.project, signal).then(() => false, (error: unknown) => error instanceof NotFoundError);
  if (missing) throw new CliError(`There is no project "${client.project}" at ${client.org.baseUrl}${await visibleProjects(client, signal)}. Check --project or AZDO_PROJECT.`);
}

/** " (projects you can see: A, B)", or "" when they cannot be listed. */
async function visibleProjects(client: AdoClient, signal: AbortSignal): Promise<string> {
  const names = await client.listProjects(signal).then((projects) => projects.map((p) => p.name), () => []);
  const shown = names.slice(0, 10).join(', ') + (names.length > 10 ? `, and ${names.length - 10} more` : '');
  return names.length ? ` (projects you can see: ${shown})` : '';
}

/**
 * Credentials the server or a proxy refused, at any point of a command: nothing works until
 * the user fixes them. Undefined for any other failure.
 */
export function serverProblem(error: unknown, baseUrl: string, proxy: ProxyRouting | undefined): CliError | undefined {
  if (error instanceof ProxyAuthenticationError) {
    const via = proxy?.proxyFor(new URL(baseUrl));
    const name = error.proxy ?? via ?? '';
    return new CliError(`The proxy ${name} refused the request (407 Proxy Authentication Required). Put its user and password in HTTPS_PROXY or HTTP_PROXY (http://user:password@host:port), or list ${new URL(baseUrl).hostname} in NO_PROXY.`);
  }
  if (error instanceof AuthenticationError) return new CliError(`Azure DevOps at ${baseUrl} rejected the personal access token in AZDO_PAT (401): ${TOKEN_CAUSES}`);
  if (error instanceof PermissionError) return new CliError(`Azure DevOps at ${baseUrl} denied access with the personal access token in AZDO_PAT (403): ${TOKEN_CAUSES}`);
  return undefined;
}

/**
 * The first request failing for good: the address is wrong (or the server is down). Later in a
 * command the same errors are the item's failure, reported with it.
 */
function unreachable(error: unknown, baseUrl: string, proxy: ProxyRouting): CliError | undefined {
  const via = proxy.proxyFor(new URL(baseUrl));
  const through = via ? ` through the proxy ${via}` : '';
  if (error instanceof NotFoundError) {
    return new CliError(`No Azure DevOps organization or collection answers at ${baseUrl}${through} (404). ${CHECK_URL} A Server collection URL looks like https://server/tfs/DefaultCollection.`);
  }
  if (error instanceof NetworkError) {
    const fix = via ? 'Check the proxy in HTTPS_PROXY or HTTP_PROXY (NO_PROXY bypasses it), and --org-url or AZDO_ORG_URL.' : CHECK_URL;
    return new CliError(`Cannot reach Azure DevOps at ${baseUrl}${through}: ${networkReason(error, via)}. ${fix}`);
  }
  return undefined;
}

function networkReason(error: NetworkError, via: string | undefined): string {
  const code = error.code ?? '';
  if (error instanceof TimeoutError) return 'no answer within the request timeout (ATTACHMENT_SYNC_REQUEST_TIMEOUT)';
  if (code === 'ECONNREFUSED') return via ? 'connection refused (by the proxy, or by the server behind it)' : 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `host name not found (${code})`;
  if (isCertificateCode(code)) return `its TLS certificate is not trusted (${code}); if your organization has its own certificate authority, point NODE_EXTRA_CA_CERTS at its certificate`;
  if (code === 'EPROTO' || code.startsWith('ERR_SSL')) return `the TLS handshake failed (${code}), perhaps the scheme is wrong (http:// or https://)`;
  if (code === 'ECONNRESET') return 'the connection was closed before an answer (ECONNRESET), perhaps the scheme is wrong (http:// or https://)';
  return code || error.message;
}
