// Generated Ardoq workspaces shaped like the API's components: epics > features > user stories.

export interface ArdoqRecord {
  _id: string;
  name: string;
  type: string;
  typeId: string;
  parent: string | null;
  rootWorkspace: string;
  description?: string;
  componentKey?: string;
  _version?: number;
  [key: string]: unknown;
}

export interface BacklogShape {
  workspaceId: string;
  epics: number;
  featuresPerEpic: number;
  storiesPerFeature: number;
}

const TYPE_IDS: Record<string, string> = { Epic: 'p100000000001', Feature: 'p100000000002', 'User Story': 'p100000000003' };

/** A 24-hex Ardoq OID derived from a counter, so runs are deterministic. */
export function oid(workspaceId: string, n: number): string {
  const prefix = Buffer.from(workspaceId).toString('hex').padEnd(8, '0').slice(0, 8);
  return `${prefix}${n.toString(16).padStart(16, '0')}`;
}

export function component(workspaceId: string, id: string, type: string, name: string, parent: string | null, description?: string): ArdoqRecord {
  return { _id: id, name, type, typeId: TYPE_IDS[type] ?? 'p199999999999', parent, rootWorkspace: workspaceId, description, componentKey: `ARD-${id.slice(-6)}`, _version: 1 };
}

/** epics x featuresPerEpic x storiesPerFeature, parents listed before children... */
export function generateBacklog(shape: BacklogShape): ArdoqRecord[] {
  const records: ArdoqRecord[] = [];
  let n = 0;
  for (let e = 1; e <= shape.epics; e += 1) {
    const epic = component(shape.workspaceId, oid(shape.workspaceId, ++n), 'Epic', `Epic ${e}`, null, `Goal of epic ${e}.\nSecond line & <b>markup</b>.`);
    records.push(epic);
    for (let f = 1; f <= shape.featuresPerEpic; f += 1) {
      const feature = component(shape.workspaceId, oid(shape.workspaceId, ++n), 'Feature', `Feature ${e}.${f}`, epic._id, `Feature ${e}.${f} of epic ${e}.`);
      records.push(feature);
      for (let s = 1; s <= shape.storiesPerFeature; s += 1) {
        records.push(component(shape.workspaceId, oid(shape.workspaceId, ++n), 'User Story', `Story ${e}.${f}.${s}`, feature._id, `As a user I want ${e}.${f}.${s}.`));
      }
    }
  }
  return records;
}

/** ...or children first, which the importer must reorder. */
export function childrenFirst(records: readonly ArdoqRecord[]): ArdoqRecord[] {
  return [...records].reverse();
}
