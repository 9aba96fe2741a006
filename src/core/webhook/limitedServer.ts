// An HTTP server that an idle, slow or crowding client cannot hold: a connection cap, header and
// idle deadlines, and (unless 0) a whole-request deadline. The webhook receiver and the API's own
// listener (serve --poll-only) both listen through it, so the hardening has one owner.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServerLimits {
  maxConnections: number;
  headersTimeoutMs: number;
  /** 0: no whole-request deadline (long uploads, event streams). */
  requestTimeoutMs: number;
  idleTimeoutMs: number;
}

/** Listens on host:port with limits; resolves with the server and the port it got. */
export async function listenLimited(host: string, port: number, limits: ServerLimits, handler: RequestListener): Promise<{ server: Server; port: number }> {
  const server = createServer({
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.idleTimeoutMs,
    // Node checks the two deadlines above on this period (30 s by default).
    connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
  }, handler);
  // Beyond the cap a new connection is closed at once; a silent or stalled one is closed when idle.
  server.maxConnections = limits.maxConnections;
  server.setTimeout(limits.idleTimeoutMs, (socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
