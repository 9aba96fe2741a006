// Turns a failed HTTP answer into the typed error it means. The service wraps errors as
// {message, typeKey, errorCode, ...}; some endpoints answer {"count":1,"value":{"Message":..}},
// plain text or nothing at all (ado-api.md §8.1), so parsing is tolerant.
import {
  AdoError,
  type AdoErrorDetails,
  ApiVersionError,
  AttachmentLimitError,
  AttachmentTooLargeError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  NotFoundError,
  PermissionError,
  RateLimitedError,
  ServerError,
  TimeoutError,
} from './errors';

export interface ServiceErrorBody {
  message?: string;
  typeKey?: string;
  errorCode?: number;
}

const MAX_TEXT_IN_MESSAGE = 500;

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function parseServiceError(text: string, contentType: string): ServiceErrorBody {
  const body = stripBom(text).trim();
  if (body === '') return {};
  if (/html/i.test(contentType) || body.startsWith('<')) return { message: 'the server answered with an HTML page' };
  try {
    const json: unknown = JSON.parse(body);
    if (json && typeof json === 'object') {
      const record = json as Record<string, unknown>;
      const inner = record.value && typeof record.value === 'object' ? (record.value as Record<string, unknown>) : {};
      // {"Message"} is what ASP.NET's CreateErrorResponse writes (e.g. a chunk whose length is wrong).
      const message = stringField(record, 'message') ?? stringField(record, 'Message') ?? stringField(inner, 'Message') ?? stringField(inner, 'message');
      const errorCode = typeof record.errorCode === 'number' ? record.errorCode : undefined;
      return { message, typeKey: stringField(record, 'typeKey'), errorCode };
    }
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return { message: body.length > MAX_TEXT_IN_MESSAGE ? `${body.slice(0, MAX_TEXT_IN_MESSAGE)}…` : body };
}

function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

const VERSION_CEILING = /latest REST API version this server supports is (\d+\.\d+)/i;

/** The typed error for a non-success status. `details` already holds method, url, activity id. */
export function errorFromResponse(status: number, body: ServiceErrorBody, details: AdoErrorDetails): AdoError {
  const d: AdoErrorDetails = { ...details, status, serverMessage: body.message, typeKey: body.typeKey, errorCode: body.errorCode };
  const text = `${body.typeKey ?? ''} ${body.message ?? ''}`;
  if (status === 401 || status === 203) {
    return new AuthenticationError('Azure DevOps rejected the credentials (wrong, expired or missing token)', d);
  }
  if (status === 403) return new PermissionError('Azure DevOps refused the request: no permission', d);
  if (/TF237082/.test(text) || status === 413) return new AttachmentTooLargeError('The attachment exceeds the server size limit', d);
  if (/VS403313/.test(text)) return new AttachmentLimitError('The work item has reached its attachment limit', d);
  if (status === 412 || status === 409) return new ConflictError('The work item was changed by someone else', d);
  if (status === 429) return new RateLimitedError('Azure DevOps is throttling requests', d);
  if (status === 408) return new TimeoutError('The server timed out waiting for the request', d);
  if (status === 404) return new NotFoundError('Not found', d);
  if (status >= 500) return new ServerError('Azure DevOps had a server error', d);
  // The typeKey decides; the text is translated on non-English servers and the route form names
  // no ceiling, so the number in it is only a hint (ado-behaviour.md §5).
  const ceiling = VERSION_CEILING.exec(body.message ?? '');
  if (/VersionOutOfRange/i.test(body.typeKey ?? '') || (ceiling && body.typeKey === undefined)) {
    const numbers = (body.message ?? '').match(/\d+\.\d+/g);
    return new ApiVersionError('The server does not support the requested api-version', { ...d, supportedMax: ceiling?.[1], hint: numbers?.[numbers.length - 1] });
  }
  if (status >= 400) return new BadRequestError('Azure DevOps rejected the request', d);
  return new AdoError(`Unexpected HTTP status ${status}`, d);
}
