// Browser code of the Sync History view. It talks to the extension host only by typed messages.
import type {
  SyncHistoryRow, SyncHistoryStatus, SyncTrigger,
} from '../core/store/repositories/history';
import type { AuditRow as Audit } from '../core/store/repositories/audit';
import {
  DEFAULT_VIEW_STATE, PAGE_SIZES, type ChartData, type HostToView, type Request, type ResponseByKind, type RunDetail,
  type RunsPage, type ViewState, type ViewToHost,
} from '../shared/historyProtocol';
import { el, svg } from './dom';

declare function acquireVsCodeApi(): { postMessage(m: ViewToHost): void; getState(): unknown; setState(s: ViewState): void };

const api = acquireVsCodeApi();
let state: ViewState = { ...DEFAULT_VIEW_STATE, ...(api.getState() as Partial<ViewState> | undefined) };
let nextId = 1;
const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
const progress = new Map<number, { bytes: number; total: number }>();
let page: RunsPage = { rows: [], nextCursor: null, total: 0 };

function request<K extends Request['kind']>(r: Extract<Request, { kind: K }>): Promise<ResponseByKind[K]> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    api.postMessage({ type: 'request', id, request: r });
  });
}

function save(): void { api.setState(state); }

const STATUSES: SyncHistoryStatus[] = ['pending', 'in_progress', 'completed', 'failed', 'cancelled'];
const TRIGGERS: SyncTrigger[] = ['manual', 'poll', 'webhook', 'attach', 'import'];
const ICON: Record<SyncHistoryStatus, string> = {
  pending: 'circle-outline', in_progress: 'sync', completed: 'pass', failed: 'error', cancelled: 'circle-slash',
};

const app = document.getElementById('app')!;

function select(label: string, values: readonly (string | number)[], current: string, onChange: (v: string) => void): HTMLElement {
  const s = el('select', { 'aria-label': label });
  s.append(el('option', { value: '' }, `${label}: any`));
  for (const v of values) s.append(el('option', { value: String(v), selected: String(v) === current }, String(v)));
  s.addEventListener('change', () => onChange(s.value));
  return s;
}

function fmtBytes(n: number): string {
  const u = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
  return `${n.toFixed(i ? 1 : 0)} ${u[i]}`;
}
const fmtDuration = (ms: number | null): string => (ms === null ? '' : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

function setFilter(patch: Partial<ViewState['filter']>): void {
  const filter = { ...state.filter, ...patch };
  for (const k of Object.keys(filter) as (keyof typeof filter)[]) if (filter[k] === undefined || filter[k] === '') delete filter[k];
  state = { ...state, filter, cursors: [null] };
  save();
  void loadRuns();
}

function filtersBar(): HTMLElement {
  const f = state.filter;
  const text = el('input', { type: 'search', placeholder: 'File name or error', 'aria-label': 'Free text', value: f.text ?? '' });
  text.addEventListener('change', () => setFilter({ text: text.value || undefined }));
  const wi = el('input', { type: 'number', placeholder: 'Work item', 'aria-label': 'Work item', value: f.workItemId ?? '' });
  wi.addEventListener('change', () => setFilter({ workItemId: wi.value ? Number(wi.value) : undefined }));
  const from = el('input', { type: 'date', 'aria-label': 'From date', value: f.from?.slice(0, 10) ?? '' });
  from.addEventListener('change', () => setFilter({ from: from.value ? `${from.value}T00:00:00.000Z` : undefined }));
  const to = el('input', { type: 'date', 'aria-label': 'To date', value: f.to?.slice(0, 10) ?? '' });
  to.addEventListener('change', () => setFilter({ to: to.value ? `${to.value}T23:59:59.999Z` : undefined }));
  return el('div', { class: 'filters', role: 'search' },
    select('Status', STATUSES, typeof f.status === 'string' ? f.status : '', (v) => setFilter({ status: (v || undefined) as SyncHistoryStatus | undefined })),
    select('Kind', ['attachment_sync', 'backlog_import'], f.kind ?? '', (v) => setFilter({ kind: (v || undefined) as ViewState['filter']['kind'] })),
    select('Trigger', TRIGGERS, f.trigger ?? '', (v) => setFilter({ trigger: (v || undefined) as SyncTrigger | undefined })),
    wi, from, to, text,
    select('Page size', PAGE_SIZES, String(state.pageSize), (v) => { state = { ...state, pageSize: Number(v) || 25, cursors: [null] }; save(); void loadRuns(); }));
}

function runRow(r: SyncHistoryRow): HTMLTableRowElement {
  const p = progress.get(r.id);
  const statusCell = el('td', { class: `status-${r.status}` }, el('span', { class: `codicon codicon-${ICON[r.status]}`, 'aria-hidden': 'true' }), ` ${r.status}`);
  if (r.status === 'in_progress') {
    statusCell.append(el('progress', { max: p?.total || 1, value: p?.bytes ?? 0, 'aria-label': `Run ${r.id} progress` }));
  }
  const tr = el('tr', { tabindex: 0, 'data-run-id': r.id, 'aria-selected': state.selectedRunId === r.id ? 'true' : 'false' },
    el('td', {}, new Date(r.startedAt).toLocaleString()),
    el('td', {}, r.kind === 'attachment_sync' ? 'attachment sync' : 'backlog import'),
    el('td', {}, r.trigger),
    el('td', {}, r.workItemId !== null ? `#${r.workItemId}` : r.projectName ?? ''),
    statusCell,
    el('td', {}, String(r.uploaded)), el('td', {}, String(r.linked)), el('td', {}, String(r.downloaded)),
    el('td', {}, String(r.skippedDuplicate)), el('td', {}, String(r.itemsFailed)), el('td', {}, String(r.deleted)),
    el('td', {}, fmtDuration(r.durationMs)));
  const open = (): void => { state = { ...state, selectedRunId: r.id }; save(); void loadDetail(); render(); };
  tr.addEventListener('click', open);
  tr.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); open(); } });
  return tr;
}

function runsTable(): HTMLElement {
  const head = ['Started', 'Kind', 'Trigger', 'Scope', 'Status', 'Uploaded', 'Linked', 'Downloaded', 'Skipped (dup)', 'Failed', 'Deleted', 'Duration'];
  return el('table', { 'aria-label': 'Sync runs' },
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, ...page.rows.map(runRow)));
}

function pager(): HTMLElement {
  const index = state.cursors.length;
  const prev = el('button', { disabled: index <= 1 }, 'Previous');
  prev.addEventListener('click', () => { state = { ...state, cursors: state.cursors.slice(0, -1) }; save(); void loadRuns(); });
  const next = el('button', { disabled: !page.nextCursor }, 'Next');
  next.addEventListener('click', () => { state = { ...state, cursors: [...state.cursors, page.nextCursor] }; save(); void loadRuns(); });
  return el('nav', { class: 'pager', 'aria-label': 'Pages' }, prev, el('span', { class: 'total' }, `Page ${index} · ${page.total} runs`), next);
}

let detail: RunDetail | null = null;
let chart: ChartData | null = null;
let audit: Audit[] = [];
let message = '';

function action(label: string, r: Request): HTMLButtonElement {
  const b = el('button', {}, label);
  b.addEventListener('click', () => {
    void request(r).then((res) => { message = `${label}: ${JSON.stringify(res)}`; render(); }, (e: Error) => { message = e.message; render(); });
  });
  return b;
}

function detailView(): HTMLElement | null {
  if (!detail) return null;
  const d = detail;
  const items = el('table', { 'aria-label': `Items of run ${d.run.id}` },
    el('thead', {}, el('tr', {}, ...['File', 'Work item', 'Outcome', 'Size', 'ADO link', 'Error', 'Actions'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, ...d.items.map((i) => {
      const err = i.errorMessage ? `${i.errorCode ? `${i.errorCode}: ` : ''}${i.errorMessage}` : '';
      return el('tr', {},
        el('td', { class: 'file' }, i.itemName), el('td', {}, i.workItemId !== null ? `#${i.workItemId}` : ''),
        el('td', { class: `status-${i.status}` }, i.status), el('td', {}, i.fileSize !== null ? fmtBytes(i.fileSize) : ''),
        el('td', {}, i.azureDevopsUrl ? el('a', { href: i.azureDevopsUrl }, 'open') : ''),
        el('td', { class: 'error' }, err),
        el('td', {},
          i.workItemId !== null ? action('Open Work Item', { kind: 'openWorkItem', workItemId: i.workItemId }) : null,
          i.filePath ? action('Reveal File', { kind: 'revealFile', filePath: i.filePath }) : null,
          err ? action('Copy Error', { kind: 'copyText', text: err }) : null));
    })));
  const auditList = el('ul', { 'aria-label': 'Audit entries' }, ...d.audit.map((a) => el('li', {}, `${a.createdAt} ${a.actionType} ${a.userName ?? ''}`)));
  return el('section', { class: 'detail', 'aria-label': `Run ${d.run.id}` },
    el('h2', {}, `Run ${d.run.id}`), d.run.errorMessage ? el('p', { class: 'error' }, d.run.errorMessage) : null,
    d.run.itemsFailed > 0 ? action('Retry Failed Items', { kind: 'retryFailed', runId: d.run.id }) : null,
    items, el('h3', {}, 'Audit'), auditList);
}

function chartView(): SVGElement | null {
  if (!chart) return null;
  const W = 600, H = 120, n = chart.days.length, bw = W / n;
  const byDay = new Map<string, Map<SyncHistoryStatus, number>>();
  for (const c of chart.counts) {
    const m = byDay.get(c.day) ?? new Map();
    m.set(c.status, c.count);
    byDay.set(c.day, m);
  }
  const max = Math.max(1, ...[...byDay.values()].map((m) => [...m.values()].reduce((a, b) => a + b, 0)));
  const root = svg('svg', { viewBox: `0 0 ${W} ${H + 14}`, role: 'img', width: '100%', 'aria-label': 'Runs per day by status, last 30 days' });
  chart.days.forEach((day, i) => {
    let y = H;
    for (const s of STATUSES) {
      const c = byDay.get(day)?.get(s) ?? 0;
      if (!c) continue;
      const h = (c / max) * H;
      y -= h;
      const rect = svg('rect', { x: i * bw + 1, y, width: bw - 2, height: h, class: `bar-${s}` });
      rect.append(svg('title', {}, `${day}: ${c} ${s}, ${fmtBytes(chart?.bytesByDay[day] ?? 0)} moved`));
      root.append(rect);
    }
  });
  root.append(svg('text', { x: 0, y: H + 12 }, chart.days[0] ?? ''), svg('text', { x: W - 60, y: H + 12 }, chart.days[n - 1] ?? ''));
  return root;
}

function auditView(): HTMLElement {
  const action = el('input', { type: 'search', placeholder: 'Action', 'aria-label': 'Audit action', value: state.auditFilter.action ?? '' });
  const text = el('input', { type: 'search', placeholder: 'Text', 'aria-label': 'Audit text', value: state.auditFilter.text ?? '' });
  const apply = (): void => { state = { ...state, auditFilter: { action: action.value || undefined, text: text.value || undefined } }; save(); void loadAudit(); };
  action.addEventListener('change', apply);
  text.addEventListener('change', apply);
  return el('section', {}, el('div', { class: 'filters' }, action, text),
    el('table', { 'aria-label': 'Audit log' },
      el('thead', {}, el('tr', {}, ...['When', 'Action', 'Entity', 'User', 'Details'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, ...audit.map((a) => el('tr', {}, el('td', {}, a.createdAt), el('td', {}, a.actionType),
        el('td', {}, `${a.entityType} ${a.entityId ?? ''}`), el('td', {}, a.userName ?? ''), el('td', {}, JSON.stringify(a.details) ?? ''))))));
}

function tabs(): HTMLElement {
  const mk = (t: ViewState['tab'], label: string): HTMLButtonElement => {
    const b = el('button', { role: 'tab', 'aria-selected': state.tab === t ? 'true' : 'false' }, label);
    b.addEventListener('click', () => { state = { ...state, tab: t }; save(); if (t === 'audit') void loadAudit(); render(); });
    return b;
  };
  return el('div', { class: 'tabs', role: 'tablist' }, mk('runs', 'Runs'), mk('audit', 'Audit log'));
}

function render(): void {
  const focusedRun = (document.activeElement as HTMLElement | null)?.dataset?.runId;
  app.replaceChildren(tabs(),
    ...(state.tab === 'runs' ? [chartView(), filtersBar(), runsTable(), pager(), detailView()] : [auditView()]).filter((x): x is HTMLElement => !!x),
    el('p', { role: 'status', class: 'message' }, message));
  if (focusedRun) (app.querySelector(`tr[data-run-id="${CSS.escape(focusedRun)}"]`) as HTMLElement | null)?.focus();
}

async function loadRuns(): Promise<void> {
  page = await request({ kind: 'runs', filter: state.filter, pageSize: state.pageSize, cursor: state.cursors[state.cursors.length - 1] ?? null });
  render();
}
async function loadDetail(): Promise<void> {
  detail = state.selectedRunId !== null ? await request({ kind: 'runDetail', runId: state.selectedRunId }) : null;
  render();
}
async function loadAudit(): Promise<void> {
  audit = await request({ kind: 'audit', filter: state.auditFilter, limit: 200 });
  render();
}
async function loadChart(): Promise<void> {
  chart = await request({ kind: 'chart', days: 30 });
  render();
}

function onLive(m: Extract<HostToView, { type: 'live' }>['live']): void {
  if (m.event === 'itemProgress') {
    progress.set(m.runId, { bytes: m.bytes, total: m.total });
    const bar = app.querySelector(`tr[data-run-id="${m.runId}"] progress`) as HTMLProgressElement | null;
    if (bar) { bar.max = m.total || 1; bar.value = m.bytes; }
    return;
  }
  const i = page.rows.findIndex((r) => r.id === m.run.id);
  if (i >= 0) page.rows[i] = m.run;
  else if (m.event === 'runStarted' && state.cursors.length === 1) { page.rows.unshift(m.run); page.total++; }
  if (m.event === 'runFinished') { progress.delete(m.run.id); void loadChart(); }
  if (state.selectedRunId === m.run.id) void loadDetail();
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
