// The ADO emulator's admin routes (/_emulator/*), for suites that check what "Azure DevOps" holds
// or act as another user. Plain fetch: used both in the extension host and in the runner.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface EmulatorRelation {
  rel: string;
  url: string;
  attributes?: { name?: string; comment?: string; resourceSize?: number };
}

export interface EmulatorWorkItem {
  id: number;
  rev: number;
  deleted: boolean;
  fields: Record<string, unknown>;
  relations?: EmulatorRelation[];
}

export interface EmulatorAttachment {
  id: string;
  fileName: string;
  size: number;
  sha256: string;
  complete: boolean;
}

export interface EmulatorSnapshot {
  workItems: EmulatorWorkItem[];
  attachments: EmulatorAttachment[];
}

/** http://127.0.0.1:PORT/DefaultCollection -> http://127.0.0.1:PORT */
function origin(emulatorUrl: string): string {
  return new URL(emulatorUrl).origin;
}

async function call<T>(emulatorUrl: string, method: string, route: string, body?: string | Uint8Array, contentType = 'application/json'): Promise<T> {
  const response = await fetch(`${origin(emulatorUrl)}${route}`, { method, body: typeof body === 'string' || body === undefined ? body : new Blob([new Uint8Array(body)]), headers: body === undefined ? {} : { 'Content-Type': contentType } });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export function emulatorState(emulatorUrl: string): Promise<EmulatorSnapshot> {
  return call(emulatorUrl, 'GET', '/_emulator/state');
}

export async function workItemByTitle(emulatorUrl: string, title: string): Promise<EmulatorWorkItem> {
  const item = (await emulatorState(emulatorUrl)).workItems.find((candidate) => candidate.fields['System.Title'] === title && !candidate.deleted);
  if (!item) throw new Error(`the emulator has no work item titled "${title}"`);
  return item;
}

/** The AttachedFile relations of a work item, with the attachment each points at. */
export async function attachmentsOf(emulatorUrl: string, workItemId: number): Promise<{ name: string; attachment: EmulatorAttachment | undefined }[]> {
  const state = await emulatorState(emulatorUrl);
  const item = state.workItems.find((candidate) => candidate.id === workItemId);
  return (item?.relations ?? [])
    .filter((relation) => relation.rel === 'AttachedFile')
    .map((relation) => ({ name: relation.attributes?.name ?? '', attachment: state.attachments.find((a) => relation.url.toLowerCase().includes(a.id.toLowerCase())) }));
}

/** Adds an attachment to a work item as another user, the way an edit made in ADO would. */
export function addColleagueAttachment(emulatorUrl: string, workItemId: number, fileName: string, content: string | Uint8Array): Promise<{ id: string; url: string }> {
  return call(emulatorUrl, 'POST', `/_emulator/work-items/${workItemId}/attachments?fileName=${encodeURIComponent(fileName)}`, content, 'application/octet-stream');
}

/** A new work item through the REST API with the test PAT (no attachments yet), as a colleague would create it. */
export async function createWorkItem(emulatorUrl: string, title: string, type = 'Task', pat = 'test-pat'): Promise<number> {
  const response = await fetch(`${emulatorUrl}/Demo/_apis/wit/workitems/$${type}?api-version=7.1`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json-patch+json', Authorization: `Basic ${Buffer.from(`:${pat}`).toString('base64')}` },
    body: JSON.stringify([{ op: 'add', path: '/fields/System.Title', value: title }]),
  });
  if (!response.ok) throw new Error(`creating "${title}": ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: number }).id;
}

export interface FaultRule {
  route?: string;
  method?: string;
  rate: number;
  kinds: ('429' | '500' | '503' | 'reset' | 'reset-mid-body' | 'delay' | 'truncate')[];
  count?: number;
  delayMs?: number;
}

export function setFaults(emulatorUrl: string, rules: FaultRule[]): Promise<unknown> {
  return call(emulatorUrl, 'POST', '/_emulator/faults', JSON.stringify({ rules }));
}

export function clearFaults(emulatorUrl: string): Promise<unknown> {
  return call(emulatorUrl, 'DELETE', '/_emulator/faults');
}

export function sha256Of(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}
