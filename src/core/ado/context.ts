// What every operation module needs: the transport and the project it works in.
import type { HttpTransport } from './httpTransport';

export interface AdoContext {
  readonly transport: HttpTransport;
  readonly project: string;
  /** Parallel requests for batched reads (workitemsbatch). */
  readonly batchConcurrency: number;
  /** How often a `test /rev` conflict (412) is re-read and retried. */
  readonly conflictRetries: number;
}

/** `{project}/_apis/{rest}` with the project name encoded (names may contain spaces). */
export function projectPath(context: AdoContext, rest: string): string {
  return `${encodeURIComponent(context.project)}/_apis/${rest}`;
}
