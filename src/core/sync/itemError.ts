// One failed item's error as history, events and the CLI show it: the service's message and code
// (TF237082, VS403313, ...) when ADO said something, our error's class otherwise. Never a secret:
// AdoError URLs carry none.
import { AdoError, AuthenticationError, CancelledError, FileChangedError, IntegrityError } from '../ado';
import type { ItemError } from './engineApi';

export function toItemError(error: unknown): ItemError {
  if (error instanceof AdoError) {
    return { message: error.serverMessage ?? error.message, code: error.typeKey ?? (error.errorCode !== undefined ? String(error.errorCode) : error.name), kind: error.name };
  }
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { message: error.message, code: typeof code === 'string' ? code : error.name, kind: error.name };
  }
  return { message: String(error) };
}

/** A request the engine cannot carry out as asked (unknown work item, attachment not on the item). */
export class SyncRequestError extends Error {
  constructor(message: string, readonly code: 'WorkItemNotFound' | 'AttachmentNotOnWorkItem') {
    super(message);
    this.name = 'SyncRequestError';
  }
}

/** The engine refuses a file before spending bandwidth (size, attachment count, missing file). */
export class PreflightError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
    this.name = 'PreflightError';
  }
}

/** How a failure is handled: retried later, given up until the user asks, or stopping everything (credentials). */
export type FailureClass = 'auth' | 'cancelled' | 'permanent' | 'transient';

export function classifyFailure(error: unknown, signal?: AbortSignal): FailureClass {
  if (error instanceof AuthenticationError) return 'auth';
  if (error instanceof CancelledError || signal?.aborted) return 'cancelled';
  if (error instanceof PreflightError || (error instanceof Error && error.name === 'PreflightError')) return 'permanent';
  if (error instanceof AdoError) return error.retryable || error instanceof IntegrityError || error instanceof FileChangedError ? 'transient' : 'permanent';
  return 'transient';
}
