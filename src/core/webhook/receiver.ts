// Receiver for Azure DevOps service hooks (workitem.created / workitem.updated). It answers fast
// and only queues work: the handler is called once per work item after a burst goes quiet
// (trailing debounce, bounded by maxWaitMs so a steady stream cannot starve an item).
// It is exposed to whatever can reach its port, so it holds little: a cap on connections, a
// deadline for the headers and for the whole request, idle sockets closed within seconds, the
// credentials checked from the headers before any body is read, and only plausible work item ids.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { authorizeHeaders, bodySignatureValid } from './auth';
import { listenLimited } from './limitedServer';
import { RECEIVER_LIMITS, type WebhookSettings } from './settings';
import { errorMessage } from '../errorMessage';

export interface WebhookDelivery {
  deliveryId: string;
  eventType: string;
  workItemId: number;
  receivedAt: Date;
}

/** Called once per debounced work item; must only queue work, never download. */
export type WorkItemChangedHandler = (workItemId: number, delivery: WebhookDelivery) => void | Promise<void>;

export type RejectReason = 'unauthorized' | 'malformed' | 'tooLarge' | 'unsupportedMediaType';

export interface WebhookReceiverState {
  listening: boolean;
  /** host:port the socket is bound to. */
  address?: string;
  url?: string;
  lastEventAt?: Date;
  accepted: number;
  /** Requests refused (401, 400, 413, 415), by reason in `rejections`. */
  rejected: number;
  rejections: Record<RejectReason, number>;
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
/** Azure DevOps work item ids are 32-bit integers (System.Id is an Integer field). */
const MAX_WORK_ITEM_ID = 2_147_483_647;

interface Payload {
  id?: string;
  subscriptionId?: string;
  notificationId?: number | string;
  eventType?: string;
  resource?: { id?: number; workItemId?: number; url?: string; revision?: { id?: number } };
}

/** A work item id, or undefined: a float, 1e20 or anything beyond 2^31-1 names no work item. */
const positiveId = (v: unknown): number | undefined => (typeof v === 'number' && Number.isSafeInteger(v) && v > 0 && v <= MAX_WORK_ITEM_ID ? v : undefined);

/**
 * The work item an event is about. For workitem.updated, resource.id is the UPDATE number, not the
 * work item (ado-api.md §5.2); old samples carry workItemId 0, so fall back to the revision or URL.
 */
export function workItemIdOf(p: Payload): number | undefined {
  const r = p.resource;
  if (!r) return undefined;
  if (p.eventType === 'workitem.created') return positiveId(r.id);
  const fromUrl = /\/workItems\/(\d+)\/updates\//i.exec(r.url ?? '')?.[1];
  return positiveId(r.workItemId) ?? positiveId(r.revision?.id) ?? positiveId(fromUrl === undefined ? undefined : Number(fromUrl));
}

/**
 * Identity of a delivery for de-duplication: the event id, else the notification of its
 * subscription (notificationId counts per subscription, so it is not unique on its own).
 */
export function deliveryIdOf(p: Payload): string {
  if (typeof p.id === 'string' && p.id) return p.id;
  if (p.notificationId !== undefined) return `${p.subscriptionId ?? ''}#${String(p.notificationId)}`;
  return '';
}

/** Per-item trailing debounce with a cap on how long an item may wait. */
class ItemDebouncer {
  private readonly timers = new Map<number, { timer: NodeJS.Timeout; firstAt: number }>();

  constructor(
    private readonly debounceMs: number,
    private readonly maxWaitMs: number,
    private readonly fire: (d: WebhookDelivery) => void,
  ) {}

  schedule(d: WebhookDelivery): void {
    const pending = this.timers.get(d.workItemId);
    const now = Date.now();
    const firstAt = pending?.firstAt ?? now;
    if (pending) clearTimeout(pending.timer);
    const wait = Math.max(0, Math.min(this.debounceMs, firstAt + this.maxWaitMs - now));
    const timer = setTimeout(() => {
      this.timers.delete(d.workItemId);
      this.fire(d);
    }, wait);
    this.timers.set(d.workItemId, { timer, firstAt });
  }

  clear(): void {
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}

/** A bounded set that forgets its oldest entries. */
class RecentIds {
  private readonly ids = new Set<string>();
  constructor(private readonly cap: number) {}
  /** True when the id was seen before; remembers it otherwise. */
  seen(id: string): boolean {
    if (this.ids.has(id)) return true;
    this.ids.add(id);
    if (this.ids.size > this.cap) this.ids.delete(this.ids.values().next().value as string);
    return false;
  }
}

function answer(res: ServerResponse, code: number, body?: object): void {
  if (res.headersSent) return;
  res.writeHead(code, { 'content-type': 'application/json', connection: 'close' });
  res.end(body ? JSON.stringify(body) : undefined);
}

/** The receiver's limits: the settings' values, else the defaults. */
export function receiverLimits(settings: WebhookSettings): Required<Pick<WebhookSettings, 'maxConnections' | 'headersTimeoutMs' | 'requestTimeoutMs' | 'idleTimeoutMs'>> {
  return {
    maxConnections: settings.maxConnections ?? RECEIVER_LIMITS.maxConnections,
    headersTimeoutMs: settings.headersTimeoutMs ?? RECEIVER_LIMITS.headersTimeoutMs,
    requestTimeoutMs: settings.requestTimeoutMs ?? RECEIVER_LIMITS.requestTimeoutMs,
    idleTimeoutMs: settings.idleTimeoutMs ?? RECEIVER_LIMITS.idleTimeoutMs,
  };
}

export async function startWebhookReceiver(
  settings: WebhookSettings,
  onWorkItemChanged: WorkItemChangedHandler,
  log: (msg: string) => void = () => undefined,
  /** Answers the paths other than the webhook's (the HTTP API shares this port); 404 without it. */
  otherRoutes?: RequestListener,
): Promise<WebhookReceiver> {
  const st: WebhookReceiverState = {
    listening: false, accepted: 0, rejected: 0, duplicates: 0, ignored: 0,
    rejections: { unauthorized: 0, malformed: 0, tooLarge: 0, unsupportedMediaType: 0 },
  };
  const recent = new RecentIds(DEDUP_CAP);
  const debouncer = new ItemDebouncer(settings.debounceMs, settings.maxWaitMs ?? settings.debounceMs * 5, (d) => {
    Promise.resolve()
      .then(() => onWorkItemChanged(d.workItemId, d))
      .catch((e: unknown) => log(`webhook handler failed for work item ${d.workItemId}: ${errorMessage(e)}`));
  });

  const reject = (res: ServerResponse, code: number, reason: RejectReason, body?: object): void => {
    st.rejected++;
    st.rejections[reason]++;
    answer(res, code, body);
  };

  /** Refuses an oversized body as soon as it is known, then drops the connection once answered. */
  const tooLarge = (req: IncomingMessage, res: ServerResponse): void => {
    res.once('finish', () => req.destroy());
    reject(res, 413, 'tooLarge', { error: `body larger than ${settings.maxBodyBytes} bytes` });
  };

  const unauthorized = (req: IncomingMessage, res: ServerResponse): void => {
    reject(res, 401, 'unauthorized');
    // The remote address only, never the credentials offered; 1st, 10th, 100th... so a flood
    // of bad requests cannot flood the log too.
    const n = st.rejections.unauthorized;
    if (Number.isInteger(Math.log10(n))) log(`webhook: unauthorized request from ${req.socket.remoteAddress ?? '?'} (${n} so far)`);
  };

  const dispatch = (req: IncomingMessage, res: ServerResponse, raw: Buffer, verifyBody: boolean): void => {
    if (verifyBody && !bodySignatureValid(settings, req.headers, raw)) return unauthorized(req, res);
    let p: Payload;
    try {
      p = JSON.parse(raw.toString('utf8').replace(/^\uFEFF/, '')) as Payload;
    } catch {
      return reject(res, 400, 'malformed', { error: 'malformed JSON' });
    }
    if (typeof p !== 'object' || p === null || Array.isArray(p)) return reject(res, 400, 'malformed', { error: 'expected a JSON object' });
    if (!p.eventType || !KNOWN_EVENTS.has(p.eventType)) {
      st.ignored++;
      return answer(res, 202, { ignored: true });
    }
    const workItemId = workItemIdOf(p);
    if (workItemId === undefined) return reject(res, 400, 'malformed', { error: 'no work item id' });
    const deliveryId = deliveryIdOf(p);
    if (deliveryId && recent.seen(deliveryId)) {
      st.duplicates++;
      return answer(res, 202, { duplicate: true });
    }
    st.accepted++;
    st.lastEventAt = new Date();
    debouncer.schedule({ deliveryId, eventType: p.eventType, workItemId, receivedAt: st.lastEventAt });
    answer(res, 202, { queued: workItemId });
  };

  const limits = receiverLimits(settings);
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== settings.path) return otherRoutes ? otherRoutes(req, res) : answer(res, 404);
    if (otherRoutes) {
      // The server-wide deadline is off for the API's sake (see below): the webhook keeps its own.
      const deadline = setTimeout(() => req.destroy(), limits.requestTimeoutMs);
      res.once('close', () => clearTimeout(deadline));
    }
    if (req.method !== 'POST') return answer(res, 405);
    if (!/^application\/(.+\+)?json/i.test(req.headers['content-type'] ?? '')) return reject(res, 415, 'unsupportedMediaType');
    if (Number(req.headers['content-length'] ?? 0) > settings.maxBodyBytes) return tooLarge(req, res);
    // Decided from the headers whenever the mode allows: an unauthenticated request never gets
    // its body read. Only a well-formed HMAC signature header makes the receiver read the body.
    const verdict = authorizeHeaders(settings, req.headers);
    if (verdict === 'refused') {
      res.once('finish', () => req.destroy());
      return unauthorized(req, res);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > settings.maxBodyBytes) {
        over = true;
        chunks.length = 0;
        tooLarge(req, res);
      } else chunks.push(c);
    });
    req.on('end', () => {
      if (!over) dispatch(req, res, Buffer.concat(chunks), verdict === 'needsBody');
    });
    req.on('error', () => undefined);
  };

  // The HTTP API shares the port when otherRoutes is given: an upload may take longer than the
  // webhook's whole-request deadline, so that deadline is kept per webhook request instead.
  const { server, port } = await listenLimited(settings.host, settings.port, { ...limits, requestTimeoutMs: otherRoutes ? 0 : limits.requestTimeoutMs }, handle);
  const hostForUrl = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  const url = `http://${hostForUrl}:${port}${settings.path}`;
  st.listening = true;
  st.url = url;
  st.address = `${hostForUrl}:${port}`;
  return {
    port,
    url,
    state: () => ({ ...st, rejections: { ...st.rejections } }),
    close: async () => {
      debouncer.clear();
      st.listening = false;
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
