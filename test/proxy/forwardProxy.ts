// A real forward proxy on loopback with basic auth, in front of the emulator: the `proxy` npm
// package (TooTallNate's, the proxy-agents project's own test proxy). Chosen over Debian's
// tinyproxy, which answers one request per client connection and so can never show a bug of
// reused proxy connections, and squid, whose setup (cache dirs, auth helper, pid file) is out of
// proportion for a test. It keeps client connections alive like squid, checks
// Proxy-Authorization on every request and every CONNECT, and forwards http:// requests only
// when their URL is absolute.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createProxy } from 'proxy';

export interface ForwardProxy {
  /** http://user:password@127.0.0.1:port, as a user puts it in HTTP_PROXY. */
  readonly urlWithCredentials: string;
  /** http://127.0.0.1:port */
  readonly url: string;
  readonly seen: {
    /** Forwarded or refused http:// requests, with the URL as the client sent it. */
    requests: { url: string; authorized: boolean }[];
    /** CONNECT tunnels asked for, host:port. */
    connects: { target: string; authorized: boolean }[];
    /** TCP connections from clients. */
    connections: number;
  };
  close(): Promise<void>;
}

export async function startForwardProxy(user: string, password: string): Promise<ForwardProxy> {
  const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const seen: ForwardProxy['seen'] = { requests: [], connects: [], connections: 0 };
  const sockets = new Set<Socket>();
  const server = createProxy(http.createServer());
  server.authenticate = (req) => {
    const authorized = req.headers['proxy-authorization'] === expected;
    if (req.method === 'CONNECT') seen.connects.push({ target: req.url ?? '', authorized });
    else seen.requests.push({ url: req.url ?? '', authorized });
    return authorized;
  };
  server.on('connection', (socket: Socket) => {
    seen.connections += 1;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    urlWithCredentials: `http://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
