// Browser code of the Sync History view. It talks to the extension host only by typed messages.
import type {
  SyncHistoryRow, SyncHistoryStatus, SyncTrigger,
} from '../core/store/repositories/history';
import type { AuditRow as Audit } from '../core/store/repositories/audit';
import {
  DEFAULT_VIEW_STATE, DETAIL_ITEM_LIMIT, PAGE_SIZES, type HostToView, type LiveEvent, type Request, type ResponseByKind, type RunDetail,
  type RunsPage, type ViewState, type ViewToHost,
} from '../shared/historyProtocol';
import { chartView } from './chart';
import { el } from './dom';
import { backlogCounters, fmtBytes, fmtDuration, plural, runCounterCells, RUN_COLUMNS, STATUS_ICON, STATUSES, statusWords } from './format';
import { errorMessage } from '../core/errorMessage';

declare function acquireVsCodeApi(): { postMessage(m: ViewToHost): void; getState(): unknown; setState(s: ViewState): void };

const api = acquireVsCodeApi();
let state: ViewState = { ...DEFAULT_VIEW_STATE, ...(api.getState() as Partial<ViewState> | undefined) };
let nextId = 1;
const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
const progress = new Map<number, { done: number; total: number }>();
let page: RunsPage = { rows: [], nextCursor: null, total: 0 };
let detail: RunDetail | null = null;
let chart: ResponseByKind['chart'] | null = null;
let audit: Audit[] = [];
let message = '';

function request<K extends Request['kind']>(r: Extract<Request, { kind: K }>): Promise<ResponseByKind[K]> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    api.postMessage({ type: 'request', id, request: r });
  });
}

function save(): void { api.setState(state); }

/** Any failed request shows its message in the status line instead of vanishing. */
function report(e: unknown): void { message = errorMessage(e); render(); }

const TRIGGERS: SyncTrigger[] = ['manual', 'poll', 'webhook', 'attach', 'import'];

const app = document.getElementById('app')!;

/** Options show words ("in progress", "backlog import"); their values stay the stored ones. */
const words = (v: string | number): string => String(v).replace(/_/g, ' ');

function select(label: string, values: readonly (string | number)[], current: string, onChange: (v: string) => void, anyLabel = `${label}: any`): HTMLElement {
  const s = el('select', { 'aria-label': label, 'data-key': `select-${label}` });
  if (anyLabel) s.append(el('option', { value: '' }, anyLabel));
  for (const v of values) s.append(el('option', { value: String(v), selected: String(v) === current }, words(v)));
  s.addEventListener('change', () => onChange(s.value));
  return s;
}

function setFilter(patch: Partial<ViewState['filter']>): void {
  const filter = { ...state.filter, ...patch };
  for (const k of Object.keys(filter) as (keyof typeof filter)[]) if (filter[k] === undefined || filter[k] === '') delete filter[k];
  state = { ...state, filter, cursors: [null] };
  save();
  void loadRuns();
}

function input(label: string, type: string, value: string, onChange: (v: string) => void, placeholder?: string): HTMLInputElement {
  const i = el('input', { type, placeholder, 'aria-label': label, value, 'data-key': `input-${label}` });
  i.addEventListener('change', () => onChange(i.value));
  return i;
}

function filtersBar(): HTMLElement {
  const f = state.filter;
  return el('div', { class: 'filters', role: 'search', 'aria-label': 'Run filters' },
    select('Status', STATUSES, typeof f.status === 'string' ? f.status : '', (v) => setFilter({ status: (v || undefined) as SyncHistoryStatus | undefined })),
    select('Kind', ['attachment_sync', 'backlog_import'], f.kind ?? '', (v) => setFilter({ kind: (v || undefined) as ViewState['filter']['kind'] })),
    select('Trigger', TRIGGERS, f.trigger ?? '', (v) => setFilter({ trigger: (v || undefined) as SyncTrigger | undefined })),
    input('Work item', 'number', f.workItemId !== undefined ? String(f.workItemId) : '', (v) => setFilter({ workItemId: v ? Number(v) : undefined }), 'Work item'),
    input('From date', 'date', f.from?.slice(0, 10) ?? '', (v) => setFilter({ from: v ? `${v}T00:00:00.000Z` : undefined })),
    input('To date', 'date', f.to?.slice(0, 10) ?? '', (v) => setFilter({ to: v ? `${v}T23:59:59.999Z` : undefined })),
    input('Free text', 'search', f.text ?? '', (v) => setFilter({ text: v || undefined }), 'File name or error'),
    select('Page size', PAGE_SIZES, String(state.pageSize), (v) => { state = { ...state, pageSize: Number(v) || 25, cursors: [null] }; save(); void loadRuns(); }, ''));
}

function openRun(id: number): void {
  state = { ...state, selectedRunId: id };
  save();
  void loadDetail().then(() => (app.querySelector('section.detail h2') as HTMLElement | null)?.focus());
  render();
}

function runRow(r: SyncHistoryRow): HTMLTableRowElement {
  const p = progress.get(r.id);
  const statusCell = el('td', { class: `status-${r.status}` },
    el('span', { class: `codicon codicon-${STATUS_ICON[r.status]}${r.status === 'in_progress' ? ' codicon-modifier-spin' : ''}`, 'aria-hidden': 'true' }),
    ` ${statusWords(r)}`);
  if (r.status === 'in_progress' || r.status === 'pending') {
    const total = p?.total || r.totalItems || 1;
    statusCell.append(el('progress', { max: total, value: p?.done ?? 0, 'aria-label': `Run ${r.id} progress`,
      'aria-valuetext': `${Math.floor(p?.done ?? 0)} of ${total} items` }));
  }
  const open = el('button', { class: 'link', 'data-key': `run-${r.id}`, 'aria-label': `Run ${r.id}, ${statusWords(r)}: show details` },
    new Date(r.startedAt).toLocaleString());
  open.addEventListener('click', (e) => { e.stopPropagation(); openRun(r.id); });
  const tr = el('tr', { 'data-run-id': r.id, 'aria-current': state.selectedRunId === r.id ? 'true' : undefined },
    el('th', { scope: 'row' }, open),
    el('td', {}, r.kind === 'attachment_sync' ? 'attachment sync' : 'backlog import'),
    el('td', {}, r.trigger),
    el('td', {}, r.workItemId !== null ? `#${r.workItemId}` : r.projectName ?? ''),
    statusCell,
    ...runCounterCells(r).map((c) => el('td', { class: 'num', title: c.title }, c.text)),
    el('td', { class: 'num' }, fmtDuration(r.durationMs)));
  tr.addEventListener('click', () => openRun(r.id));
  return tr;
}

function runsTable(): HTMLElement {
  const head = ['Started', 'Kind', 'Trigger', 'Scope', 'Status', ...RUN_COLUMNS, 'Duration'];
  return el('table', { 'aria-label': 'Sync runs' },
    el('caption', { class: 'sr-only' }, `Sync runs, newest first; page ${state.cursors.length}, ${page.total} in all. Activate a start time for the run's details.`),
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, ...page.rows.map(runRow)));
}

function pager(): HTMLElement {
  const index = state.cursors.length;
  const prev = el('button', { disabled: index <= 1, 'data-key': 'prev' }, 'Previous');
  prev.addEventListener('click', () => { state = { ...state, cursors: state.cursors.slice(0, -1) }; save(); void loadRuns(); });
  const next = el('button', { disabled: !page.nextCursor, 'data-key': 'next' }, 'Next');
  next.addEventListener('click', () => { state = { ...state, cursors: [...state.cursors, page.nextCursor] }; save(); void loadRuns(); });
  return el('nav', { class: 'pager', 'aria-label': 'Pages' }, prev, el('span', { class: 'total' }, `Page ${index} · ${plural(page.total, 'run')}`), next);
}

/** What an action's result means for a person (never raw JSON). */
function describe(r: Request, res: ResponseByKind[Request['kind']]): string {
  if (r.kind === 'retryFailed') {
    const n = (res as ResponseByKind['retryFailed']).retried;
    return n ? `Retrying ${n} failed item${n === 1 ? '' : 's'} of run ${r.runId}.` : `Run ${r.runId} has no failed items to retry.`;
  }
  const ok = (res as { ok: boolean }).ok;
  if (r.kind === 'copyText') return ok ? 'Error copied to the clipboard.' : 'Could not copy.';
  if (r.kind === 'revealFile') return ok ? 'File revealed in the Explorer.' : 'The file is not in the workspace.';
  if (r.kind === 'openWorkItem') return ok ? `Opened work item #${r.workItemId}.` : `Could not open work item #${r.workItemId}.`;
  return '';
}

function action(label: string, r: Request, key: string, accessible?: string): HTMLButtonElement {
  const b = el('button', { 'data-key': key, 'aria-label': accessible }, label);
  b.addEventListener('click', () => {
    void request(r).then((res) => { message = describe(r, res); render(); if (r.kind === 'retryFailed') void loadRuns(); }, report);
  });
  return b;
}

function itemsTable(d: RunDetail): HTMLElement {
  return el('table', { 'aria-label': `Items of run ${d.run.id}` },
    el('thead', {}, el('tr', {}, ...['File', 'Work item', 'Outcome', 'Size', 'ADO link', 'Error', 'Actions'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, ...d.items.map((i) => {
      const err = i.errorMessage ? `${i.errorCode ? `${i.errorCode}: ` : ''}${i.errorMessage}` : '';
      const wi = i.workItemId ?? i.azureDevopsId;
      return el('tr', {},
        el('th', { scope: 'row', class: 'file' }, i.itemName), el('td', {}, wi !== null ? `#${wi}` : ''),
        el('td', { class: `status-${i.status}` }, i.status), el('td', { class: 'num' }, i.fileSize !== null ? fmtBytes(i.fileSize) : ''),
        el('td', {}, i.azureDevopsUrl ? el('a', { href: i.azureDevopsUrl, 'aria-label': `Open ${i.itemName} in Azure DevOps` }, 'open') : ''),
        el('td', { class: 'error' }, err),
        el('td', { class: 'actions' },
          wi !== null ? action('Open Work Item', { kind: 'openWorkItem', workItemId: wi }, `open-${i.id}`, `Open work item #${wi}`) : null,
          i.filePath ? action('Reveal File', { kind: 'revealFile', filePath: i.filePath }, `reveal-${i.id}`, `Reveal ${i.itemName}`) : null,
          err ? action('Copy Error', { kind: 'copyText', text: err }, `copy-${i.id}`, `Copy the error of ${i.itemName}`) : null));
    })));
}

function detailView(): HTMLElement | null {
  if (!detail) return null;
  const d = detail;
  const counters = d.run.kind === 'backlog_import' ? backlogCounters(d.run) : runCounterCells(d.run).map((c) => [c.title, c.text] as const)
    .concat([['Bytes moved', fmtBytes(d.run.bytesTransferred)] as const]);
  const close = el('button', { 'data-key': 'close-detail', 'aria-label': `Close the details of run ${d.run.id}` }, 'Close');
  close.addEventListener('click', () => { state = { ...state, selectedRunId: null }; detail = null; save(); render(); });
  return el('section', { class: 'detail', 'aria-label': `Run ${d.run.id}` },
    el('h2', { tabindex: -1 }, `Run ${d.run.id} · ${d.run.kind === 'backlog_import' ? 'backlog import' : 'attachment sync'} · ${d.run.status.replace('_', ' ')}`),
    d.run.errorMessage ? el('p', { class: 'error' }, d.run.errorMessage) : null,
    el('dl', { class: 'counters' }, ...counters.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)])),
    el('div', { class: 'actions' },
      d.run.itemsFailed > 0 && d.run.kind === 'attachment_sync' ? action('Retry Failed Items', { kind: 'retryFailed', runId: d.run.id }, 'retry') : null,
      close),
    itemsTable(d),
    d.items.length >= DETAIL_ITEM_LIMIT ? el('p', {}, `Showing the first ${DETAIL_ITEM_LIMIT} items of this run.`) : null,
    el('h3', {}, 'Audit'),
    el('ul', { 'aria-label': 'Audit entries' }, ...d.audit.map((a) => el('li', {}, `${a.createdAt} ${a.actionType} ${a.userName ?? ''}`))));
}

function auditView(): HTMLElement {
  const apply = (patch: ViewState['auditFilter']): void => {
    const auditFilter = { ...state.auditFilter, ...patch };
    state = { ...state, auditFilter };
    save();
    void loadAudit();
  };
  return el('section', { role: 'tabpanel', id: 'panel-audit', 'aria-labelledby': 'tab-audit' },
    el('div', { class: 'filters', role: 'search', 'aria-label': 'Audit filters' },
      input('Audit action', 'search', state.auditFilter.action ?? '', (v) => apply({ action: v || undefined }), 'Action'),
      input('Audit text', 'search', state.auditFilter.text ?? '', (v) => apply({ text: v || undefined }), 'Text')),
    el('table', { 'aria-label': 'Audit log' },
      el('thead', {}, el('tr', {}, ...['When', 'Action', 'Entity', 'User', 'Details'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, ...audit.map((a) => el('tr', {}, el('td', {}, a.createdAt), el('td', {}, a.actionType),
        el('td', {}, `${a.entityType} ${a.entityId ?? ''}`), el('td', {}, a.userName ?? ''), el('td', { class: 'details' }, JSON.stringify(a.details) ?? ''))))));
}

const TABS: { id: ViewState['tab']; label: string }[] = [{ id: 'runs', label: 'Runs' }, { id: 'audit', label: 'Audit log' }];

function selectTab(t: ViewState['tab']): void {
  state = { ...state, tab: t };
  save();
  if (t === 'audit') void loadAudit();
  render();
  (app.querySelector(`#tab-${t}`) as HTMLElement | null)?.focus();
}

/** WAI-ARIA tabs: one tab stop, arrow keys move between tabs. */
function tabs(): HTMLElement {
  const list = el('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Sync History' }, ...TABS.map((t) => {
    const active = state.tab === t.id;
    const b = el('button', { role: 'tab', id: `tab-${t.id}`, 'data-key': `tab-${t.id}`, 'aria-selected': active ? 'true' : 'false', 'aria-controls': `panel-${t.id}`, tabindex: active ? 0 : -1 }, t.label);
    b.addEventListener('click', () => selectTab(t.id));
    return b;
  }));
  list.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft' && e.key !== 'Home' && e.key !== 'End') return;
    e.preventDefault();
    const i = TABS.findIndex((t) => t.id === state.tab);
    const next = e.key === 'Home' ? 0 : e.key === 'End' ? TABS.length - 1 : (i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length;
    selectTab(TABS[next].id);
  });
  return list;
}

function runsPanel(): HTMLElement {
  return el('section', { role: 'tabpanel', id: 'panel-runs', 'aria-labelledby': 'tab-runs' },
    chart ? chartView(chart) : null, filtersBar(), runsTable(), pager(), detailView());
}

/** Re-rendering replaces the DOM: the focused control is found again by its data-key. */
function render(): void {
  const key = (document.activeElement as HTMLElement | null)?.dataset?.key;
  app.replaceChildren(tabs(), state.tab === 'runs' ? runsPanel() : auditView(),
    el('p', { role: 'status', class: 'message' }, message));
  if (key) (app.querySelector(`[data-key="${CSS.escape(key)}"]`) as HTMLElement | null)?.focus();
}

async function loadRuns(): Promise<void> {
  try {
    page = await request({ kind: 'runs', filter: state.filter, pageSize: state.pageSize, cursor: state.cursors[state.cursors.length - 1] ?? null });
  } catch (e) { report(e); return; }
  render();
}
async function loadDetail(): Promise<void> {
  try {
    detail = state.selectedRunId !== null ? await request({ kind: 'runDetail', runId: state.selectedRunId }) : null;
  } catch (e) { report(e); return; }
  render();
}
async function loadAudit(): Promise<void> {
  try { audit = await request({ kind: 'audit', filter: state.auditFilter, limit: 200 }); } catch (e) { report(e); return; }
  render();
}
async function loadChart(): Promise<void> {
  try { chart = await request({ kind: 'chart', days: 30 }); } catch (e) { report(e); return; }
  render();
}

/** A live run belongs on the first page when the simple filters admit it; others need a query. */
function admits(run: SyncHistoryRow): boolean | undefined {
  const f = state.filter;
  if (f.text || f.from || f.to || f.projectName) return undefined;
  const statuses = f.status === undefined ? undefined : Array.isArray(f.status) ? f.status : [f.status];
  return (!statuses || statuses.includes(run.status)) && (!f.kind || f.kind === run.kind) &&
    (!f.trigger || f.trigger === run.trigger) && (f.workItemId === undefined || f.workItemId === run.workItemId);
}

function onLive(m: LiveEvent): void {
  if (m.event === 'itemProgress') {
    progress.set(m.runId, { done: m.done, total: m.total });
    const bar = app.querySelector(`tr[data-run-id="${m.runId}"] progress`) as HTMLProgressElement | null;
    if (bar) { bar.max = m.total || 1; bar.value = m.done; bar.setAttribute('aria-valuetext', `${Math.floor(m.done)} of ${m.total} items`); }
    return;
  }
  const i = page.rows.findIndex((r) => r.id === m.run.id);
  if (i >= 0) page.rows[i] = m.run;
  else if (m.event === 'runStarted' && state.cursors.length === 1) {
    const admitted = admits(m.run);
    if (admitted === undefined) void loadRuns();
    else if (admitted) { page.rows.unshift(m.run); page.rows.length = Math.min(page.rows.length, state.pageSize); page.total++; }
  }
  if (m.event === 'runFinished') { progress.delete(m.run.id); void loadChart(); }
  if (state.selectedRunId === m.run.id && m.event !== 'itemDone') void loadDetail();
  render();
}

window.addEventListener('message', (e: MessageEvent<HostToView>) => {
  const m = e.data;
  if (m.type === 'response') {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m.result); else p.reject(new Error(m.error));
  } else if (m.type === 'live') onLive(m.live);
  else if (m.type === 'restore') { state = { ...DEFAULT_VIEW_STATE, ...m.state }; save(); void start(); }
});

async function start(): Promise<void> {
  render();
  await Promise.all([loadRuns(), loadChart(), state.selectedRunId !== null ? loadDetail() : undefined,
    state.tab === 'audit' ? loadAudit() : undefined]);
}

api.postMessage({ type: 'ready' });
void start();
