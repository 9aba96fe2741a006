// Seeds: 'demo' (a dozen linked work items, some with real attachment blobs), 'empty', a JSON
// seed file, and N generated work items.
//
// Seed file format (JSON):
// { "workItems": [ { "type": "Bug", "title": "…", "state"?: "New", "parent"?: <index in this list, 0-based>,
//                    "assignedTo"?: 0|1 (user index), "fields"?: { "Ref.Name": value },
//                    "attachments"?: [ { "name": "a.txt", "content": "text", "comment"?: "…" } ] } ] }
import { createHash, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { EmulatorState } from './state';
import { adoDate } from './wire';
import { attachmentUrl, createWorkItem, type PatchOperation, workItemUrl } from './workItems';

export interface SeedWorkItem {
  type: string;
  title: string;
  state?: string;
  parent?: number;
  assignedTo?: number;
  fields?: Record<string, unknown>;
  attachments?: { name: string; content: string; comment?: string }[];
}

export interface SeedFile {
  workItems: SeedWorkItem[];
}

const DEMO: SeedWorkItem[] = [
  { type: 'Epic', title: 'Customer portal' },
  { type: 'Feature', title: 'Self-service invoices', parent: 0 },
  { type: 'User Story', title: 'Download an invoice as PDF', parent: 1, assignedTo: 0, attachments: [{ name: 'invoice-mockup.txt', content: 'Mockup of the invoice page\n', comment: 'First draft' }] },
  { type: 'Bug', title: 'Invoice totals round wrongly', parent: 2, assignedTo: 0, state: 'Active', attachments: [{ name: 'repro.md', content: '# Repro\n1. Open invoice 42\n2. Compare totals\n' }, { name: 'trace.log', content: 'ERROR rounding 0.005\n' }] },
  { type: 'Task', title: 'Fix rounding in totals', parent: 3, assignedTo: 0 },
  { type: 'Task', title: 'Add regression tests for rounding', parent: 3, assignedTo: 1 },
  { type: 'Test Case', title: 'Invoice totals are exact', parent: 2, attachments: [{ name: 'cases.csv', content: 'amount,expected\n0.005,0.01\n' }] },
  { type: 'Feature', title: 'Account settings', parent: 0 },
  { type: 'User Story', title: 'Change the e-mail address', parent: 7, assignedTo: 1 },
  { type: 'Bug', title: 'Settings page does not save', parent: 8, assignedTo: 1, state: 'Resolved' },
  { type: 'Task', title: 'Write the settings API', parent: 8, assignedTo: 0, state: 'Done' },
  { type: 'User Story', title: 'Delete my account', parent: 7 },
];

async function storeBlob(state: EmulatorState, dataDir: string, name: string, content: string): Promise<string> {
  const id = randomUUID();
  const file = path.join(dataDir, id);
  const bytes = Buffer.from(content, 'utf8');
  await fs.writeFile(file, bytes);
  state.attachments.set(id, { id, fileName: name, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), path: file, complete: true, createdDate: adoDate(), chunked: false });
  return id;
}

export async function seedItems(state: EmulatorState, dataDir: string, collectionUrl: string, items: SeedWorkItem[]): Promise<void> {
  const ids: number[] = [];
  for (const [index, seed] of items.entries()) {
    const by = state.users[seed.assignedTo ?? index % 2] ?? state.users[0];
    const ops: PatchOperation[] = [{ op: 'add', path: '/fields/System.Title', value: seed.title }];
    if (seed.state) ops.push({ op: 'add', path: '/fields/System.State', value: seed.state });
    if (seed.assignedTo !== undefined) ops.push({ op: 'add', path: '/fields/System.AssignedTo', value: state.users[seed.assignedTo] });
    for (const [key, value] of Object.entries(seed.fields ?? {})) ops.push({ op: 'add', path: `/fields/${key}`, value });
    if (seed.parent !== undefined && ids[seed.parent] !== undefined) {
      ops.push({ op: 'add', path: '/relations/-', value: { rel: 'System.LinkTypes.Hierarchy-Reverse', url: workItemUrl(collectionUrl, ids[seed.parent]) } });
    }
    for (const attachment of seed.attachments ?? []) {
      const id = await storeBlob(state, dataDir, attachment.name, attachment.content);
      ops.push({ op: 'add', path: '/relations/-', value: { rel: 'AttachedFile', url: attachmentUrl(collectionUrl, id), attributes: { name: attachment.name, comment: attachment.comment } } });
    }
    ids.push(createWorkItem(state, seed.type, ops, { collectionUrl, by }).id);
  }
}

export function generatedItems(count: number): SeedWorkItem[] {
  const types = ['Bug', 'Task', 'User Story'];
  return Array.from({ length: count }, (_, i) => ({ type: types[i % types.length], title: `Generated work item ${i + 1}`, assignedTo: i % 2 }));
}

export async function readSeedFile(file: string): Promise<SeedWorkItem[]> {
  const parsed = JSON.parse((await fs.readFile(file, 'utf8')).replace(/^\uFEFF/, '')) as SeedFile;
  if (!parsed || !Array.isArray(parsed.workItems)) throw new Error(`${file}: expected {"workItems": [...]}`);
  return parsed.workItems;
}

export const DEMO_ITEMS = DEMO;
