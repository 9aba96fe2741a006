// The Azure DevOps client the sync engine, the CLI and the extension use: createAdoClient
// composes the transport (auth, api-version, rate limit, retries) with the operation modules.
import { randomUUID } from 'node:crypto';
import type { DownloadOptions, DownloadResult } from './attachmentDownload';
import { downloadAttachment } from './attachmentDownload';
import { type BatchLinkOptions, type BatchLinkResult, type LinkOptions, type LinkResult, type LinkSpec, linkAttachment, linkAttachments, removeAttachmentRelation, type UnlinkResult } from './attachmentRelations';
import { type ChunkedUploadOptions, type SimpleUploadOptions, uploadAttachment, uploadAttachmentChunked, type UploadResult } from './attachmentUpload';
import { ApiVersionNegotiator, type ApiVersion, type ApiVersionSetting } from './apiVersion';
import type { AuthStrategy } from './auth';
import { type Clock, realSleep, type Sleep } from './clock';
import { getProject, listProjects, whoAmI } from './connection';
import type { AdoContext } from './context';
import { HttpTransport, type Logger, type RetryNotice } from './httpTransport';
import type { ProxyRouting } from './proxy';
import { type OrgUrl, parseOrgUrl } from './orgUrl';
import { TokenBucket } from './rateLimiter';
import { readReportingRevisions, type ReportingRevisionsOptions, reportingRevisionBatches } from './revisions';
import { type BackoffOptions, DEFAULT_RETRY_POLICY, RetryPolicy } from './retryPolicy';
import { createSubscription, deleteSubscription, getSubscription, listSubscriptions, type SubscriptionFilter } from './serviceHooks';
import type {
  ConnectionData,
  JsonPatchOperation,
  ReportingRevisionsBatch,
  Subscription,
  SubscriptionInput,
  TeamProjectReference,
  WiqlResult,
  WorkItem,
  WorkItemDelete,
  WorkItemDeleteBatch,
  WorkItemUpdate,
} from './types';
import { queryWiql, queryWorkItemIds, type WiqlOptions } from './wiql';
import {
  type BatchReadOptions,
  createWorkItem,
  type CreateWorkItemInput,
  deleteWorkItem,
  deleteWorkItemsBatch,
  getWorkItem,
  getWorkItems,
  getWorkItemUpdates,
  type ReadOptions,
  updateWorkItem,
  type UpdateOptions,
} from './workItems';

export interface AdoClientOptions {
  /** Organization (Services) or collection (Server) URL; see orgUrl.ts. */
  orgUrl: string;
  project: string;
  auth: AuthStrategy;
  apiVersion?: ApiVersionSetting;
  /** Client-side rate limit (default 500). */
  requestsPerMinute?: number;
  /** Per-request idle timeout: no response or body progress for this long fails the try (default 60 s). */
  timeoutMs?: number;
  maxRetries?: number;
  backoff?: BackoffOptions;
  userAgent?: string;
  /** For proxies (the CLI passes environmentProxyRouting()); leave unset inside VS Code. */
  proxy?: ProxyRouting;
  log?: Logger;
  onRetry?: (notice: RetryNotice) => void;
  /** The wait before a retry only (see TransportConfig.retrySleep). */
  retrySleep?: Sleep;
  /** Jitter source, for deterministic tests. */
  random?: () => number;
  /** Injectable for fast unit tests of the policies; integration tests use real time. */
  sleep?: Sleep;
  now?: () => number;
  /** Parallel workitemsbatch calls (default 4). */
  batchConcurrency?: number;
  /** Re-reads after a 412 on link/unlink (default 5). */
  conflictRetries?: number;
}

export interface AdoClient {
  readonly org: OrgUrl;
  readonly project: string;
  /** The api-version in use once known ("auto" negotiates on the first request). */
  readonly apiVersion: ApiVersion | undefined;
  whoAmI(signal?: AbortSignal): Promise<ConnectionData>;
  listProjects(signal?: AbortSignal): Promise<TeamProjectReference[]>;
  getProject(nameOrId: string, signal?: AbortSignal): Promise<TeamProjectReference>;
  getWorkItem(id: number, options?: ReadOptions): Promise<WorkItem>;
  getWorkItems(ids: readonly number[], options?: BatchReadOptions): Promise<(WorkItem | null)[]>;
  createWorkItem(input: CreateWorkItemInput): Promise<WorkItem>;
  updateWorkItem(id: number, operations: JsonPatchOperation[], options?: UpdateOptions): Promise<WorkItem>;
  deleteWorkItem(id: number, options?: { destroy?: boolean; signal?: AbortSignal }): Promise<WorkItemDelete | undefined>;
  /** Up to 200 ids in one call (api 7.1); 'unsupported' on older servers. */
  deleteWorkItemsBatch(ids: readonly number[], options?: { destroy?: boolean; signal?: AbortSignal }): Promise<WorkItemDeleteBatch | 'unsupported'>;
  getWorkItemUpdates(id: number, options?: { pageSize?: number; signal?: AbortSignal }): Promise<WorkItemUpdate[]>;
  queryWiql(query: string, options?: WiqlOptions): Promise<WiqlResult>;
  queryWorkItemIds(query: string, options?: WiqlOptions): Promise<{ ids: number[]; asOf: string }>;
  readReportingRevisions(options?: ReportingRevisionsOptions): Promise<ReportingRevisionsBatch>;
  reportingRevisionBatches(options?: ReportingRevisionsOptions): AsyncGenerator<ReportingRevisionsBatch>;
  uploadAttachment(filePath: string, options?: SimpleUploadOptions): Promise<UploadResult>;
  uploadAttachmentChunked(filePath: string, options: ChunkedUploadOptions): Promise<UploadResult>;
  downloadAttachment(urlOrId: string, destPath: string, options?: DownloadOptions): Promise<DownloadResult>;
  linkAttachment(workItemId: number, url: string, options?: LinkOptions): Promise<LinkResult>;
  /** Several attachments in one PATCH where ADO allows it; one result per link, in order. */
  linkAttachments(workItemId: number, links: readonly LinkSpec[], options?: BatchLinkOptions): Promise<BatchLinkResult>;
  removeAttachmentRelation(workItemId: number, urlOrId: string, options?: { signal?: AbortSignal }): Promise<UnlinkResult>;
  createSubscription(input: SubscriptionInput, signal?: AbortSignal): Promise<Subscription>;
  listSubscriptions(filter?: SubscriptionFilter, signal?: AbortSignal): Promise<Subscription[]>;
  getSubscription(id: string, signal?: AbortSignal): Promise<Subscription>;
  deleteSubscription(id: string, signal?: AbortSignal): Promise<void>;
}

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_REQUESTS_PER_MINUTE = 500;

export function createAdoClient(options: AdoClientOptions): AdoClient {
  const org = parseOrgUrl(options.orgUrl);
  if (options.project.trim() === '') throw new TypeError('The project is empty.');
  const log: Logger = options.log ?? (() => {});
  for (const warning of org.warnings) log('warn', warning);
  const clock: Clock = { now: options.now ?? (() => Date.now()), sleep: options.sleep ?? realSleep };
  const versions = new ApiVersionNegotiator(options.apiVersion ?? 'auto', (message) => log('info', message));
  const transport = new HttpTransport({
    org,
    auth: options.auth,
    versions,
    limiter: new TokenBucket({ requestsPerMinute: options.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE }, clock),
    retry: new RetryPolicy({
      ...DEFAULT_RETRY_POLICY,
      maxRetries: options.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries,
      backoff: options.backoff ?? DEFAULT_RETRY_POLICY.backoff,
      random: options.random ?? Math.random,
    }),
    clock,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    userAgent: options.userAgent ?? `ado-attachment-sync (node ${process.version})`,
    sessionId: randomUUID(),
    proxy: options.proxy,
    log,
    onRetry: options.onRetry,
    retrySleep: options.retrySleep,
  });
  const context: AdoContext = {
    transport,
    project: options.project.trim(),
    batchConcurrency: options.batchConcurrency ?? 4,
    conflictRetries: options.conflictRetries ?? 5,
    uploadedSizes: new Map(),
  };
  return {
    org,
    project: context.project,
    get apiVersion() {
      return versions.current;
    },
    whoAmI: (signal) => whoAmI(context, signal),
    listProjects: (signal) => listProjects(context, signal),
    getProject: (nameOrId, signal) => getProject(context, nameOrId, signal),
    getWorkItem: (id, o) => getWorkItem(context, id, o),
    getWorkItems: (ids, o) => getWorkItems(context, ids, o),
    createWorkItem: (input) => createWorkItem(context, input),
    updateWorkItem: (id, ops, o) => updateWorkItem(context, id, ops, o),
    deleteWorkItem: (id, o) => deleteWorkItem(context, id, o),
    deleteWorkItemsBatch: (ids, o) => deleteWorkItemsBatch(context, ids, o),
    getWorkItemUpdates: (id, o) => getWorkItemUpdates(context, id, o),
    queryWiql: (query, o) => queryWiql(context, query, o),
    queryWorkItemIds: (query, o) => queryWorkItemIds(context, query, o),
    readReportingRevisions: (o) => readReportingRevisions(context, o),
    reportingRevisionBatches: (o) => reportingRevisionBatches(context, o),
    uploadAttachment: (path, o) => uploadAttachment(context, path, o),
    uploadAttachmentChunked: (path, o) => uploadAttachmentChunked(context, path, o),
    downloadAttachment: (urlOrId, dest, o) => downloadAttachment(context, urlOrId, dest, o),
    linkAttachment: (id, url, o) => linkAttachment(context, id, url, o),
    linkAttachments: (id, links, o) => linkAttachments(context, id, links, o),
    removeAttachmentRelation: (id, urlOrId, o) => removeAttachmentRelation(context, id, urlOrId, o),
    createSubscription: (input, signal) => createSubscription(context, input, signal),
    listSubscriptions: (filter, signal) => listSubscriptions(context, filter, signal),
    getSubscription: (id, signal) => getSubscription(context, id, signal),
    deleteSubscription: (id, signal) => deleteSubscription(context, id, signal),
  };
}
