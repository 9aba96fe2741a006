// Service hooks: subscription CRUD (collection level) and delivery of workitem.created /
// workitem.updated to Web Hooks subscribers, with their basic auth and httpHeaders, retried
// with exponential backoff in the background (never blocking the request that caused it).
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { EmulatorState, Identity, Subscription, WorkItem, WorkItemUpdate } from './state';
import type { Route, RouteEnv } from './routes';
import { AdoError, type RequestContext, adoDate, isRecord, readJson, sendJson } from './wire';
import type { Fidelity } from './fidelity';
import { renderIdentity, renderUpdate, renderWorkItem, workItemUrl } from './workItems';

export const SUPPORTED_EVENTS = ['workitem.created', 'workitem.updated'];

export interface Delivery {
  subscriptionId: string;
  eventType: string;
  url: string;
  attempts: number;
  status: 'pending' | 'succeeded' | 'failed';
  lastStatus?: number;
  lastError?: string;
}

export class HookDispatcher {
  readonly deliveries: Delivery[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inflight = new Set<http.ClientRequest>();
  private closed = false;

  constructor(
    private readonly state: EmulatorState,
    private readonly retryDelaysMs: number[],
    private readonly log: (line: string) => void,
  ) {}

  workItemChanged(collectionUrl: string, item: WorkItem, update: WorkItemUpdate, created: boolean): void {
    const eventType = created ? 'workitem.created' : 'workitem.updated';
    for (const sub of this.state.subscriptions.values()) {
      if (sub.body.eventType !== eventType || sub.body.status === 'disabledByUser') continue;
      const inputs = isRecord(sub.body.publisherInputs) ? sub.body.publisherInputs : {};
      if (inputs.workItemType && inputs.workItemType !== item.fields['System.WorkItemType']) continue;
      if (inputs.areaPath && !String(item.fields['System.AreaPath']).startsWith(String(inputs.areaPath))) continue;
      if (inputs.changedFields && !String(inputs.changedFields).split(',').some((f) => update.fields && f.trim() in update.fields)) continue;
      sub.notificationCount += 1;
      const payload = this.payload(collectionUrl, sub, item, update, eventType);
      const delivery: Delivery = { subscriptionId: sub.id, eventType, url: String(consumerInputs(sub).url), attempts: 0, status: 'pending' };
      this.deliveries.push(delivery);
      this.attempt(sub, delivery, JSON.stringify(payload));
    }
  }

  private payload(collectionUrl: string, sub: Subscription, item: WorkItem, update: WorkItemUpdate, eventType: string): Record<string, unknown> {
    const resource = renderUpdate(collectionUrl, update);
    const revision = renderWorkItem(collectionUrl, this.state.projectId, { id: item.id, rev: item.rev, fields: item.fields, relations: item.relations }, 'relations', undefined, true);
    const text = `${String(item.fields['System.WorkItemType'])} #${item.id} (${String(item.fields['System.Title'])}) ${eventType === 'workitem.created' ? 'created' : 'updated'} by ${update.revisedBy.displayName}`;
    const body = eventType === 'workitem.created' ? renderWorkItem(collectionUrl, this.state.projectId, item, 'relations') : { ...resource, revision };
    const detailed = consumerInputs(sub).detailedMessagesToSend === 'none' ? undefined : { text, html: text, markdown: text };
    return {
      subscriptionId: sub.id,
      notificationId: sub.notificationCount,
      id: randomUUID(),
      eventType,
      publisherId: 'tfs',
      message: consumerInputs(sub).messagesToSend === 'none' ? undefined : { text, html: text, markdown: text },
      detailedMessage: detailed,
      resource: consumerInputs(sub).resourceDetailsToSend === 'minimal' ? { id: resource.id, workItemId: item.id, rev: item.rev, url: resource.url } : body,
      resourceVersion: String(sub.body.resourceVersion ?? '1.0'),
      resourceContainers: {
        collection: { id: this.state.collectionId, baseUrl: `${collectionUrl}/` },
        account: { id: this.state.collectionId, baseUrl: `${collectionUrl}/` },
        project: { id: this.state.projectId, baseUrl: `${collectionUrl}/` },
      },
      createdDate: new Date().toISOString(),
    };
  }

  private attempt(sub: Subscription, delivery: Delivery, body: string): void {
    if (this.closed) return;
    delivery.attempts += 1;
    const inputs = consumerInputs(sub);
    const target = new URL(String(inputs.url));
    const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)), 'User-Agent': 'VSServices/emulator' };
    for (const line of String(inputs.httpHeaders ?? '').split(/\r?\n/)) {
      const at = line.indexOf(':');
      if (at > 0) headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    }
    if (inputs.basicAuthUsername || inputs.basicAuthPassword) {
      headers.Authorization = `Basic ${Buffer.from(`${String(inputs.basicAuthUsername ?? '')}:${String(inputs.basicAuthPassword ?? '')}`).toString('base64')}`;
    }
    const request = (target.protocol === 'https:' ? https : http).request(target, { method: 'POST', headers, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => {
        this.inflight.delete(request);
        delivery.lastStatus = res.statusCode;
        if (res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300) delivery.status = 'succeeded';
        else this.retry(sub, delivery, body, `HTTP ${res.statusCode}`);
      });
    });
    this.inflight.add(request);
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', (error) => {
      this.inflight.delete(request);
      this.retry(sub, delivery, body, error.message);
    });
    request.end(body);
  }

  private retry(sub: Subscription, delivery: Delivery, body: string, reason: string): void {
    delivery.lastError = reason;
    const delay = this.retryDelaysMs[delivery.attempts - 1];
    if (delay === undefined || this.closed) {
      delivery.status = 'failed';
      sub.body.status = 'onProbation';
      this.log(`service hook ${sub.id}: delivery to ${delivery.url} failed after ${delivery.attempts} attempts (${reason})`);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.attempt(sub, delivery, body);
    }, delay);
    this.timers.add(timer);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    for (const request of this.inflight) request.destroy();
  }
}

function consumerInputs(sub: Subscription): Record<string, unknown> {
  return isRecord(sub.body.consumerInputs) ? sub.body.consumerInputs : {};
}

function subscriptionJson(ctx: RequestContext, state: EmulatorState, sub: Subscription): Record<string, unknown> {
  const inputs = { ...consumerInputs(sub) };
  if (inputs.basicAuthPassword !== undefined) inputs.basicAuthPassword = '********';
  const by = renderIdentity(ctx.collectionUrl, sub.createdBy);
  return {
    id: sub.id,
    url: `${ctx.collectionUrl}/_apis/hooks/subscriptions/${sub.id}`,
    publisherId: sub.body.publisherId,
    eventType: sub.body.eventType,
    resourceVersion: sub.body.resourceVersion ?? '1.0',
    eventDescription: `Any work item ${sub.body.eventType === 'workitem.created' ? 'created' : 'updated'}`,
    consumerId: sub.body.consumerId,
    consumerActionId: sub.body.consumerActionId,
    actionDescription: `To host ${safeHost(String(inputs.url))}`,
    createdBy: by,
    createdDate: sub.createdDate,
    modifiedBy: by,
    modifiedDate: sub.createdDate,
    status: sub.body.status ?? 'enabled',
    publisherInputs: { ...(isRecord(sub.body.publisherInputs) ? sub.body.publisherInputs : {}), hostId: state.collectionId, tfsSubscriptionId: sub.id },
    consumerInputs: inputs,
    _links: { self: { href: `${ctx.collectionUrl}/_apis/hooks/subscriptions/${sub.id}` } },
  };
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** Loopback, private, link-local and unique-local addresses: Services cannot deliver there (§7). */
export function isPrivateTarget(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1' || host === '::') return true;
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host.replace(/^::ffff:/, ''));
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return a === 127 || a === 10 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
  }
  return /^f[cd][0-9a-f]{2}:/.test(host) || /^fe[89ab][0-9a-f]:/.test(host);
}

function validate(body: unknown, fidelity: Fidelity): Record<string, unknown> {
  const bad = (message: string) => new AdoError(400, message, 'SubscriptionInputException');
  if (!isRecord(body)) throw bad('The subscription is missing.');
  if (body.publisherId !== 'tfs') throw bad(`Publisher '${String(body.publisherId)}' is not supported.`);
  if (!SUPPORTED_EVENTS.includes(String(body.eventType))) throw bad(`Event type '${String(body.eventType)}' is not supported by publisher 'tfs' in the emulator.`);
  if (body.consumerId !== 'webHooks' || body.consumerActionId !== 'httpRequest') throw bad('Only the webHooks consumer with the httpRequest action is supported.');
  const inputs = isRecord(body.consumerInputs) ? body.consumerInputs : {};
  let url: URL;
  try {
    url = new URL(String(inputs.url));
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw bad(`The consumer input 'url' is not a valid absolute http(s) URI: ${String(inputs.url)}`);
  }
  if (fidelity.deployment === 'services') {
    if (isPrivateTarget(url.hostname)) throw bad(`The URL ${url.origin} cannot be used: Azure DevOps Services cannot send service hooks to localhost or to private or special-range addresses.`);
    if (url.protocol === 'http:' && (inputs.basicAuthUsername || inputs.basicAuthPassword)) throw bad('Basic authentication requires an HTTPS URL: the credentials would travel in clear text.');
  }
  return body;
}

/** Users (identities of one emulator's state) without the "Edit subscription" permission. */
const cannotEditSubscriptions = new WeakSet<Identity>();

/** Makes the service refuse this user's subscription changes with 403, as it does for non-admins. */
export function denyEditSubscriptions(user: Identity): void {
  cannotEditSubscriptions.add(user);
}

/**
 * Managing service hooks needs "Edit subscription" on the project's PublisherSecurity token
 * (ado-api.md §5.1, Permissions). The service answers 403 with an AccessCheckException in the
 * usual error shape (§8.1); the message is the form users report (microsoft/appcenter #672).
 */
async function asEditor(ctx: RequestContext, env: RouteEnv, change: () => Promise<void> | void): Promise<void> {
  const user = env.state.users[ctx.userIndex] ?? env.state.users[0];
  if (!cannotEditSubscriptions.has(user)) return change();
  sendJson(ctx, 403, {
    $id: '1', innerException: null,
    message: `Access Denied: ${user.displayName} needs the following permission(s) on the resource PublisherSecurity/${env.state.projectId} to perform this action: Edit Subscription`,
    typeName: 'Microsoft.VisualStudio.Services.Security.AccessCheckException, Microsoft.VisualStudio.Services.WebApi',
    typeKey: 'AccessCheckException', errorCode: 0, eventId: 3000,
  });
}

function findSubscription(env: RouteEnv, id: string): Subscription {
  const sub = env.state.subscriptions.get(id.toLowerCase());
  if (!sub) throw new AdoError(404, `VS1050001: Subscription with ID ${id} does not exist.`, 'SubscriptionNotFoundException');
  return sub;
}

export const hookRoutes: Route[] = [
  {
    method: 'POST', pattern: /^hooks\/subscriptions$/, name: '/_apis/hooks/subscriptions',
    handler: (ctx, _p, env) => asEditor(ctx, env, async () => {
      const body = validate(await readJson(ctx.req), env.fidelity);
      const sub: Subscription = { id: randomUUID(), body: { ...body, status: 'enabled' }, createdDate: adoDate(), createdBy: env.state.users[ctx.userIndex] ?? env.state.users[0], notificationCount: 0 };
      env.state.subscriptions.set(sub.id, sub);
      sendJson(ctx, 200, subscriptionJson(ctx, env.state, sub));
    }),
  },
  {
    method: 'GET', pattern: /^hooks\/subscriptions$/, name: '/_apis/hooks/subscriptions',
    handler: (ctx, _p, env) => {
      const q = ctx.url.searchParams;
      const value = [...env.state.subscriptions.values()]
        .filter((s) => ['publisherId', 'eventType', 'consumerId', 'consumerActionId'].every((k) => !q.get(k) || s.body[k] === q.get(k)))
        .map((s) => subscriptionJson(ctx, env.state, s));
      sendJson(ctx, 200, { count: value.length, value });
    },
  },
  {
    method: 'GET', pattern: /^hooks\/subscriptions\/([0-9a-fA-F-]{36})$/, name: '/_apis/hooks/subscriptions/{id}',
    handler: (ctx, p, env) => sendJson(ctx, 200, subscriptionJson(ctx, env.state, findSubscription(env, p[0]))),
  },
  {
    method: 'PUT', pattern: /^hooks\/subscriptions\/([0-9a-fA-F-]{36})$/, name: '/_apis/hooks/subscriptions/{id}',
    handler: (ctx, p, env) => asEditor(ctx, env, async () => {
      const sub = findSubscription(env, p[0]);
      const body = validate(await readJson(ctx.req), env.fidelity);
      sub.body = { ...body, status: typeof body.status === 'string' ? body.status : 'enabled' };
      sendJson(ctx, 200, subscriptionJson(ctx, env.state, sub));
    }),
  },
  {
    method: 'DELETE', pattern: /^hooks\/subscriptions\/([0-9a-fA-F-]{36})$/, name: '/_apis/hooks/subscriptions/{id}',
    handler: (ctx, p, env) => asEditor(ctx, env, () => {
      const sub = findSubscription(env, p[0]);
      env.state.subscriptions.delete(sub.id);
      ctx.res.writeHead(204, { 'x-vss-e2eid': randomUUID() });
      ctx.res.end();
    }),
  },
];

export { workItemUrl };
