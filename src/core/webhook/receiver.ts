import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAuthorized } from './auth';
import type { WebhookSettings } from './settings';

export interface WebhookDelivery {
  deliveryId: string;
  eventType: string;
  workItemId: number;
  receivedAt: Date;
}

/** Called once per debounced work item; must only queue work, never download. */
export type WorkItemChangedHandler = (workItemId: number, delivery: WebhookDelivery) => void | Promise<void>;

export interface WebhookReceiverState {
  listening: boolean;
  url?: string;
  lastEventAt?: Date;
  accepted: number;
  rejected: number;
  duplicates: number;
  ignored: number;
}

export interface WebhookReceiver {
  readonly port: number;
  readonly url: string;
  state(): WebhookReceiverState;
  close(): Promise<void>;
}

const KNOWN_EVENTS = new Set(['workitem.created', 'workitem.updated']);
const DEDUP_CAP = 10_000;

interface Payload {
  id?: string;
  notificationId?: number | string;
  eventType?: string;
  resource?: { id?: number; workItemId?: number };
}

export function workItemIdOf(p: Payload): number | undefined {
  const id = p.eventType === 'workitem.updated' ? (p.resource?.workItemId ?? p.resource?.id) : p.resource?.id;
  return typeof id === 'number' && Number.isInteger(id) && id > 0 ? id : undefined;
}

export async function startWebhookReceiver(
  settings: WebhookSettings,
  onWorkItemChanged: WorkItemChangedHandler,
  log: (msg: string) => void = () => undefined,
): Promise<WebhookReceiver> {
  const st: WebhookReceiverState = { listening: false, accepted: 0, rejected: 0, duplicates: 0, ignored: 0 };
  const seen = new Set<string>();
  const timers = new Map<number, NodeJS.Timeout>();

  const schedule = (d: WebhookDelivery): void => {
    // Trailing debounce: a burst for one item collapses into one call after it goes quiet.
    const pending = timers.get(d.workItemId);
    if (pending) clearTimeout(pending);
    timers.set(
      d.workItemId,
      setTimeout(() => {
        timers.delete(d.workItemId);
        Promise.resolve(onWorkItemChanged(d.workItemId, d)).catch((e: unknown) => log(`webhook handler failed: ${String(e)}`));
      }, settings.debounceMs),
    );
  };

  const answer = (res: ServerResponse, code: number, body?: object): void => {
    res.writeHead(code, { 'content-type': 'application/json', connection: 'close' });
    res.end(body ? JSON.stringify(body) : undefined);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== settings.path) return answer(res, 404);
    if (req.method !== 'POST') return answer(res, 405);
    const ct = req.headers['content-type'] ?? '';
    if (!/^application\/(.+\+)?json/i.test(ct)) return answer(res, 415);
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > settings.maxBodyBytes) {
      answer(res, 413);
      req.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let aborted = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > settings.maxBodyBytes && !aborted) {
        aborted = true;
        answer(res, 413);
        req.destroy();
      } else if (!aborted) chunks.push(c);
    });
    req.on('end', () => {
      if (aborted) return;
      const raw = Buffer.concat(chunks);
      if (!isAuthorized(settings, req.headers, raw)) {
        st.rejected++;
        log(`webhook: unauthorized request from ${req.socket.remoteAddress ?? '?'}`);
        return answer(res, 401);
      }
      let p: Payload;
      try {
        p = JSON.parse(raw.toString('utf8')) as Payload;
      } catch {
        return answer(res, 400, { error: 'malformed JSON' });
      }
      if (typeof p !== 'object' || p === null) return answer(res, 400, { error: 'malformed JSON' });
      if (!p.eventType || !KNOWN_EVENTS.has(p.eventType)) {
        st.ignored++;
        return answer(res, 202, { ignored: true });
      }
      const workItemId = workItemIdOf(p);
      if (workItemId === undefined) return answer(res, 400, { error: 'no work item id' });
      const deliveryId = String(p.notificationId ?? p.id ?? '');
      if (deliveryId && seen.has(deliveryId)) {
        st.duplicates++;
        return answer(res, 202, { duplicate: true });
      }
      if (deliveryId) {
        seen.add(deliveryId);
        if (seen.size > DEDUP_CAP) seen.delete(seen.values().next().value as string);
      }
      st.accepted++;
      st.lastEventAt = new Date();
      schedule({ deliveryId, eventType: p.eventType, workItemId, receivedAt: st.lastEventAt });
      answer(res, 202, { queued: workItemId });
    });
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${settings.host}:${port}${settings.path}`;
  st.listening = true;
  st.url = url;
  return {
    port,
    url,
    state: () => ({ ...st }),
    close: async () => {
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      st.listening = false;
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
