// A refused request: the status, a stable code callers branch on, and a message that says what to
// change. Answered as {success: false, error: {message, code}}.
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export const badRequest = (message: string, code = 'BAD_REQUEST'): HttpError => new HttpError(400, code, message);
export const notFound = (message: string): HttpError => new HttpError(404, 'NOT_FOUND', message);
