// Typed errors of the Azure DevOps client. Each carries what a user or the sync engine needs
// (status, the service's typeKey/errorCode/message, the activity id for support) and the URL
// without any secret. Messages are built from those fields only: never from request headers,
// so a PAT or an Authorization value cannot leak into logs or history (DESIGN.md principle 8).

export interface AdoErrorDetails {
  status?: number;
  typeKey?: string;
  errorCode?: number;
  serverMessage?: string;
  activityId?: string;
  method?: string;
  url?: string;
  retryAfterMs?: number;
  cause?: unknown;
}

export class AdoError extends Error {
  override name = 'AdoError';
  readonly status?: number;
  readonly typeKey?: string;
  readonly errorCode?: number;
  readonly serverMessage?: string;
  readonly activityId?: string;
  readonly method?: string;
  readonly url?: string;

  constructor(summary: string, details: AdoErrorDetails = {}) {
    super(composeMessage(summary, details), details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.typeKey = details.typeKey;
    this.errorCode = details.errorCode;
    this.serverMessage = details.serverMessage;
    this.activityId = details.activityId;
    this.method = details.method;
    this.url = details.url;
  }

  /** Whether the retry policy may try again (network-level and throttling failures only). */
  get retryable(): boolean {
    return false;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      status: this.status,
      typeKey: this.typeKey,
      errorCode: this.errorCode,
      serverMessage: this.serverMessage,
      activityId: this.activityId,
      method: this.method,
      url: this.url,
    };
  }
}

function composeMessage(summary: string, d: AdoErrorDetails): string {
  const where = d.method && d.url ? ` (${d.method} ${d.url}${d.status !== undefined ? ` -> ${d.status}` : ''})` : '';
  const server = d.serverMessage && !summary.includes(d.serverMessage) ? `: ${d.serverMessage}` : '';
  const activity = d.activityId ? ` [activity ${d.activityId}]` : '';
  return `${summary}${server}${where}${activity}`;
}

/** 401, or a 203 sign-in page: wrong or expired credentials. Never retried (Server locks accounts). */
export class AuthenticationError extends AdoError {
  override name = 'AuthenticationError';
}

/** 407: a proxy between us and Azure DevOps wants (other) credentials. Never retried. */
export class ProxyAuthenticationError extends AdoError {
  override name = 'ProxyAuthenticationError';
  /** The proxy, without credentials, when known. */
  readonly proxy?: string;
  constructor(summary: string, details: AdoErrorDetails & { proxy?: string }) {
    super(summary, details);
    this.proxy = details.proxy;
  }
}

/** 403: authenticated, but not allowed. Never retried. */
export class PermissionError extends AdoError {
  override name = 'PermissionError';
}

export class NotFoundError extends AdoError {
  override name = 'NotFoundError';
}

/** Any other 4xx the service rejects (bad input, unsupported content type, ...). */
export class BadRequestError extends AdoError {
  override name = 'BadRequestError';
}

/** TF237082: the file is larger than the server's attachment size limit. */
export class AttachmentTooLargeError extends AdoError {
  override name = 'AttachmentTooLargeError';
}

/** VS403313: the work item already has the maximum number of attachments (100 on Services). */
export class AttachmentLimitError extends AdoError {
  override name = 'AttachmentLimitError';
}

/** 412 (stale `test /rev`) or 409: someone else changed the work item first. */
export class ConflictError extends AdoError {
  override name = 'ConflictError';
}

/**
 * The server does not support the requested api-version; carries its highest one if it said so in
 * English, and otherwise the last version number of its message as a hint (which may be ours).
 */
export class ApiVersionError extends BadRequestError {
  override name = 'ApiVersionError';
  readonly supportedMax?: string;
  readonly hint?: string;
  constructor(summary: string, details: AdoErrorDetails & { supportedMax?: string; hint?: string }) {
    super(summary, details);
    this.supportedMax = details.supportedMax;
    this.hint = details.hint;
  }
}

/** 429 (or a 408 request timeout from the server). */
export class RateLimitedError extends AdoError {
  override name = 'RateLimitedError';
  readonly retryAfterMs?: number;
  constructor(summary: string, details: AdoErrorDetails) {
    super(summary, details);
    this.retryAfterMs = details.retryAfterMs;
  }
  override get retryable(): boolean {
    return true;
  }
}

/** 5xx. Retried only for 500, 502, 503 and 504. */
export class ServerError extends AdoError {
  override name = 'ServerError';
  readonly retryAfterMs?: number;
  constructor(summary: string, details: AdoErrorDetails) {
    super(summary, details);
    this.retryAfterMs = details.retryAfterMs;
  }
  override get retryable(): boolean {
    return this.status === 500 || this.status === 502 || this.status === 503 || this.status === 504;
  }
}

/**
 * The connection failed, was reset, or a body ended early. `requestSent` is false when the
 * request surely never reached the server (connection refused, DNS), which makes even a
 * non-idempotent request safe to send again.
 */
export class NetworkError extends AdoError {
  override name = 'NetworkError';
  readonly code?: string;
  readonly requestSent: boolean;
  constructor(summary: string, details: AdoErrorDetails & { code?: string; requestSent?: boolean }) {
    super(summary, details);
    this.code = details.code;
    this.requestSent = details.requestSent ?? true;
  }
  /** A certificate the client does not trust stays untrusted: retrying cannot help. */
  override get retryable(): boolean {
    return !isCertificateCode(this.code);
  }
}

/** TLS certificate failures as node reports them (the certificate, not the connection, is wrong). */
const CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_UNTRUSTED',
]);

export function isCertificateCode(code: string | undefined): boolean {
  return code !== undefined && CERTIFICATE_CODES.has(code);
}

/** No progress (no response, or no body bytes either way) within the request timeout. */
export class TimeoutError extends NetworkError {
  override name = 'TimeoutError';
}

/** The caller's AbortSignal fired. Never retried. */
export class CancelledError extends AdoError {
  override name = 'CancelledError';
}

/** Downloaded bytes do not match the expected size or SHA-256. */
export class IntegrityError extends AdoError {
  override name = 'IntegrityError';
}

/** A resumable upload record does not match the file on disk (it changed since). */
export class UploadSessionMismatchError extends AdoError {
  override name = 'UploadSessionMismatchError';
}

/** The local file changed size while it was being uploaded. */
export class FileChangedError extends AdoError {
  override name = 'FileChangedError';
}
