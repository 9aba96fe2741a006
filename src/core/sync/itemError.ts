// One failed item's error as history, events and the CLI show it: the service's message and code
// (TF237082, VS403313, ...) when ADO said something, our error's class otherwise. Never a secret:
// AdoError URLs carry none.
import { AdoError } from '../ado';
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
