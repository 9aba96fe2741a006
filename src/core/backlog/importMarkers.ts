// How a work item remembers where it came from, in Azure DevOps itself (DESIGN.md principle 1:
// correctness never depends on the local database). Two tags: one names the Ardoq source (the
// workspace), one the component; a re-import finds its items by the first and matches them by
// the second. Tags cannot hold ';' (the separator) or ','.

export const SOURCE_TAG_PREFIX = 'ardoq-source:';
export const COMPONENT_TAG_PREFIX = 'ardoq:';

function tagSafe(value: string): string {
  return value.trim().replace(/[;,]/g, '_');
}

export function sourceTag(sourceKey: string): string {
  return `${SOURCE_TAG_PREFIX}${tagSafe(sourceKey)}`;
}

export function componentTag(ardoqId: string): string {
  return `${COMPONENT_TAG_PREFIX}${tagSafe(ardoqId)}`;
}

/** System.Tags is "a; b; c". */
export function splitTags(value: unknown): string[] {
  return typeof value === 'string' ? value.split(';').map((tag) => tag.trim()).filter((tag) => tag !== '') : [];
}

/** Adds tags to an existing list, keeping the user's own (tags compare case-insensitively). */
export function mergeTags(existing: unknown, add: readonly string[]): string {
  const tags = splitTags(existing);
  for (const tag of add) if (!tags.some((t) => t.toLowerCase() === tag.toLowerCase())) tags.push(tag);
  return tags.join('; ');
}

export function hasTag(tags: readonly string[], tag: string): boolean {
  return tags.some((t) => t.toLowerCase() === tag.toLowerCase());
}

/** The Ardoq id carried by a work item's tags, if any. */
export function ardoqIdFromTags(tags: readonly string[]): string | undefined {
  const tag = tags.find((t) => t.toLowerCase().startsWith(COMPONENT_TAG_PREFIX));
  return tag?.slice(COMPONENT_TAG_PREFIX.length);
}
