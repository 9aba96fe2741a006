// WIQL queries. They return ids only (fetch details with getWorkItems). `timePrecision=true` goes
// in the query string, always: without it a date literal with a time is rejected with 400, and
// in the body it is ignored (ado-api.md §3).
import { type AdoContext, projectPath } from './context';
import type { WiqlResult } from './types';

export interface WiqlOptions {
  /** Default true: compare dates with their time, not only the day. */
  timePrecision?: boolean;
  top?: number;
  /** Optional team segment (for @currentIteration and team-scoped macros). */
  team?: string;
  signal?: AbortSignal;
}

export function queryWiql(context: AdoContext, query: string, options: WiqlOptions = {}): Promise<WiqlResult> {
  const team = options.team ? `${encodeURIComponent(options.team)}/` : '';
  const [project, rest] = splitProjectPath(projectPath(context, 'wit/wiql'));
  return context.transport.json<WiqlResult>({
    method: 'POST',
    path: `${project}/${team}${rest}`,
    query: { timePrecision: options.timePrecision ?? true, $top: options.top },
    body: { kind: 'json', value: { query } },
    idempotency: 'idempotent',
    signal: options.signal,
  });
}

/** The ids a flat WIQL query returns, in its order. */
export async function queryWorkItemIds(context: AdoContext, query: string, options: WiqlOptions = {}): Promise<{ ids: number[]; asOf: string }> {
  const result = await queryWiql(context, query, options);
  return { ids: (result.workItems ?? []).map((w) => w.id), asOf: result.asOf };
}

function splitProjectPath(path: string): [string, string] {
  const slash = path.indexOf('/');
  return [path.slice(0, slash), path.slice(slash + 1)];
}

/** A WIQL string literal: single quotes doubled. */
export function wiqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
