// Where the components come from: the Ardoq API, an exported file, or a list already in memory.
import path from 'node:path';
import type { ArdoqComponent } from './ardoqComponent';
import { fetchArdoqComponents } from './ardoqClient';
import { readComponentsFile } from './fileSource';

export type BacklogSource =
  | { kind: 'ardoq'; orgUrl: string; orgLabel?: string; workspaceId: string; token: string }
  | { kind: 'file'; path: string; /** Default: the components' rootWorkspace, else the file name. */ sourceKey?: string }
  | { kind: 'components'; components: ArdoqComponent[]; sourceKey: string };

export interface LoadedSource {
  components: ArdoqComponent[];
  /** Names the source in tags and history; overwrite deletes only this source's items. */
  sourceKey: string;
  sourceType: 'ardoq' | 'file';
}

export async function loadSource(source: BacklogSource, signal?: AbortSignal): Promise<LoadedSource> {
  switch (source.kind) {
    case 'ardoq': {
      const components = await fetchArdoqComponents({ ...source, signal });
      return { components, sourceKey: source.workspaceId, sourceType: 'ardoq' };
    }
    case 'file': {
      const components = await readComponentsFile(source.path);
      return { components, sourceKey: source.sourceKey ?? defaultFileKey(components, source.path), sourceType: 'file' };
    }
    case 'components':
      return { components: source.components, sourceKey: source.sourceKey, sourceType: 'file' };
  }
}

/** The workspace the export came from, so a file and the API import the same items. */
function defaultFileKey(components: readonly ArdoqComponent[], filePath: string): string {
  const workspaces = new Set(components.map((c) => c.rootWorkspace).filter((w): w is string => Boolean(w)));
  if (workspaces.size === 1) return [...workspaces][0];
  return path.basename(filePath, path.extname(filePath));
}

/** How the source shows in history (never the token). */
export function describeSource(source: BacklogSource): string {
  switch (source.kind) {
    case 'ardoq':
      return `${source.orgUrl.replace(/\/+$/, '')} workspace ${source.workspaceId}`;
    case 'file':
      return path.basename(source.path);
    case 'components':
      return source.sourceKey;
  }
}
