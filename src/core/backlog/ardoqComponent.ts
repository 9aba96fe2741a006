// An Ardoq component as the API (GET /api/v2/components) and an exported JSON file carry it.
// Only what the import needs is kept; the rest of the component is ignored.

export interface ArdoqComponent {
  _id: string;
  name: string;
  /** The component type's name, e.g. "Epic". */
  type: string;
  typeId?: string;
  /** The parent component's _id, null or absent at the top. */
  parent?: string | null;
  description?: string;
  rootWorkspace?: string;
}

/** The input is not a list of components (file or API answer). */
export class ArdoqFormatError extends Error {
  override name = 'ArdoqFormatError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(record: Record<string, unknown>, key: string, where: string): string | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ArdoqFormatError(`${where}: "${key}" must be a string.`);
  return value;
}

/** Validates one component; `where` names it in the error (e.g. "component 3"). */
export function parseComponent(raw: unknown, where: string): ArdoqComponent {
  if (!isRecord(raw)) throw new ArdoqFormatError(`${where} is not an object.`);
  const id = optionalString(raw, '_id', where);
  if (!id) throw new ArdoqFormatError(`${where} has no "_id".`);
  const type = optionalString(raw, 'type', where);
  if (type === undefined) throw new ArdoqFormatError(`${where} (${id}) has no "type".`);
  return {
    _id: id,
    // An empty name is kept: Azure DevOps rejects it, and that rejection is the item's outcome.
    name: optionalString(raw, 'name', where) ?? '',
    type,
    typeId: optionalString(raw, 'typeId', where),
    parent: optionalString(raw, 'parent', where) ?? null,
    description: optionalString(raw, 'description', where),
    rootWorkspace: optionalString(raw, 'rootWorkspace', where),
  };
}

/**
 * Components from a parsed JSON document: the API's paged shape `{values: [...]}`, a bare array,
 * or `{components: [...]}` (what users export).
 */
export function parseComponentList(document: unknown, source: string): ArdoqComponent[] {
  const list = Array.isArray(document) ? document : isRecord(document) ? (document.values ?? document.components) : undefined;
  if (!Array.isArray(list)) throw new ArdoqFormatError(`${source}: expected an array of components, or an object with "values" or "components".`);
  return list.map((raw, index) => parseComponent(raw, `${source}: component ${index + 1}`));
}
