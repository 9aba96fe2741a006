// What every operation module needs: the transport and the project it works in.
import type { HttpTransport } from './httpTransport';

export interface AdoContext {
  readonly transport: HttpTransport;
  readonly project: string;
  /** Parallel requests for batched reads (workitemsbatch). */
  readonly batchConcurrency: number;
  /** How often a `test /rev` conflict (412) is re-read and retried. */
  readonly conflictRetries: number;
  /** Bytes of each attachment this client uploaded, by attachment id: the resourceSize a link sends. */
  readonly uploadedSizes: Map<string, number>;
}

/** `{project}/_apis/{rest}` with the project name encoded (names may contain spaces). */
export function projectPath(context: AdoContext, rest: string): string {
  return `${encodeURIComponent(context.project)}/_apis/${rest}`;
}

/** Most upload sizes remembered for links (the oldest are forgotten first). */
const REMEMBERED_UPLOADS = 1000;

export function rememberUploadSize(context: AdoContext, attachmentId: string, size: number): void {
  context.uploadedSizes.delete(attachmentId);
  context.uploadedSizes.set(attachmentId, size);
  if (context.uploadedSizes.size > REMEMBERED_UPLOADS) context.uploadedSizes.delete(context.uploadedSizes.keys().next().value as string);
}
