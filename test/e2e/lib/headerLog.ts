// "Host B" of the credential tests: a reverse proxy on loopback that records the method, path
// and Authorization header of every request before passing it to the emulator behind it, so a
// test can tell from its log whether, when and which credentials reached that host.
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onCleanup } from './cleanup';

export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
}

export interface HeaderLoggingProxy {
  /** http://127.0.0.1:port */
  readonly url: string;
  readonly requests: readonly LoggedRequest[];
  close(): Promise<void>;
}

export async function startHeaderLoggingProxy(target: string): Promise<HeaderLoggingProxy> {
  const to = new URL(target);
  const requests: LoggedRequest[] = [];
  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    requests.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization });
    const upstream = httpRequest({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => { if (!res.headersSent) res.writeHead(502); res.end(); });
    req.pipe(upstream);
  };
  const server: Server = createServer(forward);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const close = () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  onCleanup('stop the header-logging proxy', close);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, close };
}

/** The PAT of a Basic header (empty user name), the token of a Bearer one. */
export function credentialOf(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const basic = /^Basic\s+(.+)$/i.exec(authorization);
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1);
  }
  return /^Bearer\s+(.+)$/i.exec(authorization)?.[1] ?? authorization;
}
