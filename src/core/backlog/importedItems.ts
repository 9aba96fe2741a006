// Finds the work items an earlier import of the same source created, from Azure DevOps itself:
// WIQL on the source tag, then the items with their relations (for the parent link).
import { type AdoClient, type WorkItem, wiqlString } from '../ado';
import { ardoqIdFromTags, hasTag, sourceTag, splitTags } from './importMarkers';

export interface ImportedItems {
  /** By Ardoq id. */
  byArdoqId: Map<string, WorkItem>;
  /** Every work item carrying the source tag (what overwrite deletes). */
  ids: number[];
}

export async function findImportedItems(client: AdoClient, sourceKey: string, options: { idField?: string; signal?: AbortSignal } = {}): Promise<ImportedItems> {
  const tag = sourceTag(sourceKey);
  const query = `SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND [System.Tags] CONTAINS ${wiqlString(tag)} ORDER BY [System.Id]`;
  const { ids } = await client.queryWorkItemIds(query, { signal: options.signal });
  const items = ids.length ? await client.getWorkItems(ids, { expand: 'relations', errorPolicy: 'omit', signal: options.signal }) : [];
  const byArdoqId = new Map<string, WorkItem>();
  const exact: number[] = [];
  for (const item of items) {
    if (!item) continue;
    const tags = splitTags(item.fields['System.Tags']);
    // CONTAINS may match a longer tag (ardoq-source:ws1 in ardoq-source:ws10): keep exact ones.
    if (!hasTag(tags, tag)) continue;
    exact.push(item.id);
    const field = options.idField ? item.fields[options.idField] : undefined;
    const ardoqId = typeof field === 'string' && field !== '' ? field : ardoqIdFromTags(tags);
    // Two items for one component (e.g. a copy): the oldest wins, the ids are in ascending order.
    if (ardoqId && !byArdoqId.has(ardoqId)) byArdoqId.set(ardoqId, item);
  }
  return { byArdoqId, ids: exact };
}
