// Which Ardoq component types become which Azure DevOps work item types. Seed 002 knows three
// levels (Epic, Feature, User Story); other process templates name the story level differently
// (Scrum: Product Backlog Item, CMMI: Requirement), so both sides are configurable.

/** The level of an item, as history records it (seed 002: 'epic' | 'feature' | 'user_story'). */
export type BacklogKind = 'epic' | 'feature' | 'user_story';
export const BACKLOG_KINDS: readonly BacklogKind[] = ['epic', 'feature', 'user_story'];

export interface TypeMapping {
  /** Ardoq type name -> level. Types not listed are not imported. */
  ardoqTypes: Record<string, BacklogKind>;
  /** Level -> Azure DevOps work item type name. */
  adoTypes: Record<BacklogKind, string>;
}

export const DEFAULT_TYPE_MAPPING: TypeMapping = {
  ardoqTypes: { Epic: 'epic', Feature: 'feature', 'User Story': 'user_story' },
  adoTypes: { epic: 'Epic', feature: 'Feature', user_story: 'User Story' },
};

/** The story level per process template, for the common choices. */
export const PROCESS_STORY_TYPES = { agile: 'User Story', scrum: 'Product Backlog Item', cmmi: 'Requirement', basic: 'Issue' } as const;

export class TypeMappingError extends Error {
  override name = 'TypeMappingError';
}

/** The default mapping with overrides; the names are matched case-insensitively. */
export function typeMapping(overrides: { ardoqTypes?: Record<string, BacklogKind>; adoTypes?: Partial<Record<BacklogKind, string>> } = {}): TypeMapping {
  const mapping: TypeMapping = {
    ardoqTypes: { ...(overrides.ardoqTypes ?? DEFAULT_TYPE_MAPPING.ardoqTypes) },
    adoTypes: { ...DEFAULT_TYPE_MAPPING.adoTypes, ...overrides.adoTypes },
  };
  for (const [name, kind] of Object.entries(mapping.ardoqTypes)) {
    if (!BACKLOG_KINDS.includes(kind)) throw new TypeMappingError(`Ardoq type "${name}" maps to "${kind}"; expected one of ${BACKLOG_KINDS.join(', ')}.`);
  }
  for (const kind of BACKLOG_KINDS) {
    if (!mapping.adoTypes[kind]?.trim()) throw new TypeMappingError(`No Azure DevOps work item type for "${kind}".`);
  }
  return mapping;
}

export function kindOfArdoqType(mapping: TypeMapping, ardoqType: string): BacklogKind | undefined {
  const wanted = ardoqType.trim().toLowerCase();
  for (const [name, kind] of Object.entries(mapping.ardoqTypes)) if (name.toLowerCase() === wanted) return kind;
  return undefined;
}

/**
 * Parses "Ardoq Type=level" pairs (CLI: --map "Initiative=epic,Story=user_story") and
 * "level=ADO Type" pairs (--ado-types "user_story=Product Backlog Item").
 */
export function parsePairs(text: string): [string, string][] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      if (eq <= 0 || eq === part.length - 1) throw new TypeMappingError(`"${part}" is not of the form name=value.`);
      return [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
    });
}

export function asKind(value: string): BacklogKind {
  const kind = value.trim().toLowerCase().replace(/[\s-]+/g, '_') as BacklogKind;
  if (!BACKLOG_KINDS.includes(kind)) throw new TypeMappingError(`"${value}" is not a level; expected one of ${BACKLOG_KINDS.join(', ')}.`);
  return kind;
}
