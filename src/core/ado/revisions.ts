// The project-wide change feed: reporting work item revisions, paged by an opaque continuation
// token that the caller persists (ado-api.md §4.3). A batch with isLastBatch=true means "caught
// up for now": keep its token and ask again later.
import { type AdoContext, projectPath } from './context';
import type { ReportingRevisionsBatch } from './types';

export interface ReportingRevisionsOptions {
  /** Resume point from the previous batch. Cannot be combined with startDateTime. */
  continuationToken?: string;
  startDateTime?: string;
  fields?: string[];
  types?: string[];
  includeDeleted?: boolean;
  includeLatestOnly?: boolean;
  maxPageSize?: number;
  signal?: AbortSignal;
}

export function readReportingRevisions(context: AdoContext, options: ReportingRevisionsOptions = {}): Promise<ReportingRevisionsBatch> {
  if (options.continuationToken && options.startDateTime) {
    throw new TypeError('continuationToken and startDateTime cannot be combined.');
  }
  return context.transport.json<ReportingRevisionsBatch>({
    method: 'GET',
    path: projectPath(context, 'wit/reporting/workitemrevisions'),
    query: {
      continuationToken: options.continuationToken,
      startDateTime: options.startDateTime,
      fields: options.fields?.join(','),
      types: options.types?.join(','),
      includeDeleted: options.includeDeleted,
      includeLatestOnly: options.includeLatestOnly,
      $maxPageSize: options.maxPageSize,
    },
    idempotency: 'idempotent',
    signal: options.signal,
  });
}

/**
 * Every batch from the given point until the feed is caught up. Persist each batch's
 * continuationToken after handling its values, so a crash resumes where it stopped.
 */
export async function* reportingRevisionBatches(context: AdoContext, options: ReportingRevisionsOptions = {}): AsyncGenerator<ReportingRevisionsBatch> {
  let request = options;
  for (;;) {
    const batch = await readReportingRevisions(context, request);
    yield batch;
    if (batch.isLastBatch || !batch.continuationToken) return;
    request = { ...options, startDateTime: undefined, continuationToken: batch.continuationToken };
  }
}
