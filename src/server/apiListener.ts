// The HTTP API on a socket of its own, for `serve --poll-only` (no webhook receiver whose port it
// could share). The receiver's connection limits apply (few connections, short header and idle
// deadlines); there is no whole-request deadline, since an upload may take long (the API lifts
// the idle deadline for callers with a valid token).
import type { RequestListener } from 'node:http';
import { RECEIVER_LIMITS } from '../core/webhook';
import { listenLimited } from '../core/webhook/limitedServer';

export interface ApiListener {
  readonly port: number;
  close(): Promise<void>;
}

export async function startApiListener(host: string, port: number, handler: RequestListener): Promise<ApiListener> {
  const { server, port: bound } = await listenLimited(host, port, { ...RECEIVER_LIMITS, requestTimeoutMs: 0 }, handler);
  return {
    port: bound,
    async close() {
      // Event streams never end on their own.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
