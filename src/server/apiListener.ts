// The HTTP API on a socket of its own, for `serve --poll-only` (no webhook receiver whose port it
// could share). The receiver's connection limits apply (few connections, short header and idle
// deadlines); there is no whole-request deadline, since an upload may take long (the API lifts
// the idle deadline for callers with a valid token).
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RECEIVER_LIMITS } from '../core/webhook';

export interface ApiListener {
  readonly port: number;
  close(): Promise<void>;
}

export async function startApiListener(host: string, port: number, handler: RequestListener): Promise<ApiListener> {
  const limits = RECEIVER_LIMITS;
  const server = createServer({
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: 0,
    keepAliveTimeout: limits.idleTimeoutMs,
    connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
  }, handler);
  server.maxConnections = limits.maxConnections;
  server.setTimeout(limits.idleTimeoutMs, (socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      // Event streams never end on their own.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
