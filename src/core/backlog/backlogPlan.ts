// Orders the components so that every parent is created before its children, and finds each
// item's nearest imported ancestor (a parent of an unmapped type is skipped over).
import type { ArdoqComponent } from './ardoqComponent';
import { type BacklogKind, kindOfArdoqType, type TypeMapping } from './typeMapping';

export interface PlannedItem {
  ardoqId: string;
  name: string;
  description?: string;
  ardoqType: string;
  kind: BacklogKind;
  adoType: string;
  /** Ardoq id of the imported parent, if any. */
  parentArdoqId?: string;
  depth: number;
}

export interface BacklogPlan {
  /** Parents before children; within a level, the source order. */
  items: PlannedItem[];
  /** Components of types the mapping does not import. */
  skipped: ArdoqComponent[];
  countsByKind: Record<BacklogKind, number>;
}

export class BacklogPlanError extends Error {
  override name = 'BacklogPlanError';
}

export function planBacklog(components: readonly ArdoqComponent[], mapping: TypeMapping): BacklogPlan {
  const byId = new Map<string, ArdoqComponent>();
  for (const component of components) {
    if (byId.has(component._id)) throw new BacklogPlanError(`Component id ${component._id} appears twice.`);
    byId.set(component._id, component);
  }
  const skipped: ArdoqComponent[] = [];
  const items: PlannedItem[] = [];
  const countsByKind: Record<BacklogKind, number> = { epic: 0, feature: 0, user_story: 0 };
  for (const component of components) {
    const kind = kindOfArdoqType(mapping, component.type);
    if (!kind) {
      skipped.push(component);
      continue;
    }
    const parent = importedAncestor(component, byId, mapping);
    items.push({
      ardoqId: component._id,
      name: component.name,
      description: component.description,
      ardoqType: component.type,
      kind,
      adoType: mapping.adoTypes[kind],
      parentArdoqId: parent?.id,
      depth: parent ? parent.depth + 1 : 0,
    });
    countsByKind[kind] += 1;
  }
  resolveDepths(items);
  // A stable sort keeps the source order within a depth.
  items.sort((a, b) => a.depth - b.depth);
  return { items, skipped, countsByKind };
}

/** Walks up the parent chain to the first component the mapping imports; detects cycles. */
function importedAncestor(component: ArdoqComponent, byId: Map<string, ArdoqComponent>, mapping: TypeMapping): { id: string; depth: number } | undefined {
  const seen = new Set<string>([component._id]);
  let current = component.parent ? byId.get(component.parent) : undefined;
  while (current) {
    if (seen.has(current._id)) throw new BacklogPlanError(`The parent chain of ${component._id} loops through ${current._id}.`);
    seen.add(current._id);
    if (kindOfArdoqType(mapping, current.type)) return { id: current._id, depth: 0 };
    current = current.parent ? byId.get(current.parent) : undefined;
  }
  return undefined;
}

/** Depth = number of imported ancestors, computed once the parent links are known. */
function resolveDepths(items: PlannedItem[]): void {
  const byId = new Map(items.map((item) => [item.ardoqId, item]));
  const depthOf = (item: PlannedItem, guard: number): number => {
    if (!item.parentArdoqId) return 0;
    if (guard > items.length) throw new BacklogPlanError(`The parent chain of ${item.ardoqId} loops.`);
    const parent = byId.get(item.parentArdoqId);
    return parent ? depthOf(parent, guard + 1) + 1 : 0;
  };
  for (const item of items) item.depth = depthOf(item, 0);
}
