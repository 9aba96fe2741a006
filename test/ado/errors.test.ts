import assert from 'node:assert/strict';
import {
  ApiVersionError,
  AttachmentLimitError,
  AttachmentTooLargeError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  NetworkError,
  NotFoundError,
  PermissionError,
  RateLimitedError,
  ServerError,
  TimeoutError,
} from '../../src/core/ado/errors';
import { errorFromResponse, parseServiceError } from '../../src/core/ado/responseError';

const details = { method: 'PATCH', url: 'https://dev.azure.com/fabrikam/Demo/_apis/wit/workitems/5?api-version=7.1', activityId: 'a1b2' };

function wrapped(message: string, typeKey: string): string {
  return `\uFEFF${JSON.stringify({ $id: '1', innerException: null, message, typeName: `X.${typeKey}, X`, typeKey, errorCode: 0, eventId: 3200 })}`;
}

describe('ado: typed errors from service answers', () => {
  it('reads the wrapped error shape (with a BOM), the improper value.Message shape, text and HTML', () => {
    assert.deepEqual(parseServiceError(wrapped('VS403474: too many', 'VssServiceException'), 'application/json'), {
      message: 'VS403474: too many',
      typeKey: 'VssServiceException',
      errorCode: 0,
    });
    assert.equal(parseServiceError('{"count":1,"value":{"Message":"Remove requires Value to be null."}}', 'application/json').message, 'Remove requires Value to be null.');
    assert.equal(parseServiceError('plain failure', 'text/plain').message, 'plain failure');
    assert.equal(parseServiceError('<html><body>Sign in</body></html>', 'text/html').message, 'the server answered with an HTML page');
    assert.deepEqual(parseServiceError('', ''), {});
  });

  it('maps statuses and service codes to their classes, carrying status, typeKey, message and activity id', () => {
    const cases: [number, string, string, new (...args: never[]) => Error][] = [
      [401, 'TF400813: not authorized', 'UnauthorizedRequestException', AuthenticationError],
      [203, 'the server answered with an HTML page', '', AuthenticationError],
      [403, 'no permission', 'x', PermissionError],
      [404, 'TF401232: Work item 9 does not exist', 'WorkItemUnauthorizedAccessException', NotFoundError],
      [400, 'TF237082: The file you are trying to upload exceeds the supported file upload size (60.000 MB(s)).', 'VssServiceException', AttachmentTooLargeError],
      [400, 'VS403313: too many attachments', 'x', AttachmentLimitError],
      [412, 'TF26071: changed by someone else', 'WorkItemRevisionMismatchException', ConflictError],
      [429, 'TF400733: The request has been canceled', 'RequestBlockedException', RateLimitedError],
      [408, 'timeout', 'x', TimeoutError],
      [503, 'unavailable', 'x', ServerError],
      [400, 'The expand parameter can not be used with the fields parameter.', 'ArgumentException', BadRequestError],
    ];
    for (const [status, message, typeKey, type] of cases) {
      const error = errorFromResponse(status, { message, typeKey: typeKey || undefined }, details);
      assert.ok(error instanceof type, `${status} ${message} -> ${error.name}`);
      assert.equal(error.status, status);
      assert.equal(error.activityId, 'a1b2');
      assert.equal(error.serverMessage, message);
      assert.ok(error.message.includes(message) && error.message.includes(details.url) && error.message.includes('a1b2'), error.message);
    }
  });

  it('recognises the api-version ceiling answer and reads the highest version', () => {
    const error = errorFromResponse(400, { message: 'The requested REST API version of 7.1 is out of range for this server. The latest REST API version this server supports is 5.0.', typeKey: 'VssVersionOutOfRangeException' }, details);
    assert.ok(error instanceof ApiVersionError);
    assert.equal(error.supportedMax, '5.0');
  });

  it('marks only throttling, 500/502/503/504 and network failures as retryable', () => {
    assert.equal(errorFromResponse(429, {}, details).retryable, true);
    for (const status of [500, 502, 503, 504]) assert.equal(errorFromResponse(status, {}, details).retryable, true, String(status));
    for (const status of [501, 505, 400, 401, 403, 404, 412]) assert.equal(errorFromResponse(status, {}, details).retryable, false, String(status));
    assert.equal(new NetworkError('reset', { code: 'ECONNRESET' }).retryable, true);
  });

  it('serialises to JSON without anything but the documented fields', () => {
    const json = JSON.stringify(errorFromResponse(401, { message: 'denied' }, details));
    assert.deepEqual(Object.keys(JSON.parse(json)).sort(), ['activityId', 'message', 'method', 'name', 'serverMessage', 'status', 'url']);
  });
});
