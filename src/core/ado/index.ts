// Public surface of the Azure DevOps client.
export * from './client';
export * from './errors';
export * from './types';
export { PatAuth, BearerAuth, type AuthStrategy, type TokenProvider } from './auth';
export { parseOrgUrl, OrgUrlError, type OrgUrl, type DeploymentKind } from './orgUrl';
export type { ApiVersion, ApiVersionSetting } from './apiVersion';
export type { UploadResult, UploadSessionRecord, ChunkedUploadOptions, SimpleUploadOptions, TransferProgress } from './attachmentUpload';
export type { DownloadOptions, DownloadResult } from './attachmentDownload';
export { attachmentIdFromUrl, findAttachmentRelation, ATTACHED_FILE, MAX_LINKS_PER_PATCH, type LinkResult, type LinkSpec, type LinkOutcome, type BatchLinkOptions, type BatchLinkResult, type LinkOptions, type UnlinkResult } from './attachmentRelations';
export { fitRelationComment, MAX_RELATION_COMMENT_LENGTH } from './relationComment';
export { webHookSubscription, type WebHookInput } from './serviceHooks';
export { wiqlString } from './wiql';
export { environmentProxyRouting, proxyLabel, type ProxyRouting } from './proxy';
export type { Logger, LogLevel, RetryNotice } from './httpTransport';
export { sha256OfFile } from './streamingHash';
export { fullJitterDelay } from './retryPolicy';
