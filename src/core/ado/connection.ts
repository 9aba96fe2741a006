// Who am I, and which projects can I see: the first calls a connection makes.
import type { AdoContext } from './context';
import { readJson } from './httpTransport';
import type { CollectionResponse, ConnectionData, TeamProjectReference } from './types';

/** The authenticated identity (`_apis/connectionData`, no api-version, as the official client calls it). */
export function whoAmI(context: AdoContext, signal?: AbortSignal): Promise<ConnectionData> {
  return context.transport.json<ConnectionData>({
    method: 'GET',
    path: '_apis/connectionData',
    query: { connectOptions: 'none', lastChangeId: -1, lastChangeId64: -1 },
    versioned: false,
    idempotency: 'idempotent',
    signal,
  });
}

/** All projects of the collection, following `x-ms-continuationtoken` pages. */
export async function listProjects(context: AdoContext, signal?: AbortSignal): Promise<TeamProjectReference[]> {
  const projects: TeamProjectReference[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await context.transport.send({
      method: 'GET',
      path: '_apis/projects',
      query: { continuationToken },
      idempotency: 'idempotent',
      signal,
      read: async (response) => ({
        body: await readJson<CollectionResponse<TeamProjectReference>>(response),
        next: response.headers.get('x-ms-continuationtoken') ?? undefined,
      }),
    });
    projects.push(...(page.body?.value ?? []));
    continuationToken = page.next;
  } while (continuationToken);
  return projects;
}

export function getProject(context: AdoContext, nameOrId: string, signal?: AbortSignal): Promise<TeamProjectReference> {
  return context.transport.json<TeamProjectReference>({
    method: 'GET',
    path: `_apis/projects/${encodeURIComponent(nameOrId)}`,
    idempotency: 'idempotent',
    signal,
  });
}
