// The 30-day chart: runs per day stacked by status, and bytes moved per day below, as inline SVG
// styled by theme variables (light, dark, high contrast), with a legend in words and the same
// figures as a table for screen readers and keyboard users.
import type { SyncHistoryStatus } from '../core/store/repositories/history';
import type { ChartData } from '../shared/historyProtocol';
import { el, svg } from './dom';
import { fmtBytes, plural, STATUSES } from './format';

const W = 900;
const RUNS_H = 70;
const BYTES_H = 28;
const GAP = 16;

function runsByDay(chart: ChartData): Map<string, Map<SyncHistoryStatus, number>> {
  const byDay = new Map<string, Map<SyncHistoryStatus, number>>();
  for (const c of chart.counts) {
    const m = byDay.get(c.day) ?? new Map<SyncHistoryStatus, number>();
    m.set(c.status, c.count);
    byDay.set(c.day, m);
  }
  return byDay;
}

const sum = (m: Map<SyncHistoryStatus, number> | undefined): number => [...(m?.values() ?? [])].reduce((a, b) => a + b, 0);

function bars(chart: ChartData, byDay: Map<string, Map<SyncHistoryStatus, number>>): SVGElement {
  const n = chart.days.length;
  const bw = W / n;
  const maxRuns = Math.max(1, ...chart.days.map((d) => sum(byDay.get(d))));
  const maxBytes = Math.max(1, ...chart.days.map((d) => chart.bytesByDay[d] ?? 0));
  const bytesTop = RUNS_H + GAP;
  const root = svg('svg', { viewBox: `0 0 ${W} ${bytesTop + BYTES_H + 14}`, role: 'img', width: '100%', class: 'chart',
    'aria-label': `Runs per day by status and bytes moved per day, ${chart.days[0] ?? ''} to ${chart.days[n - 1] ?? ''}` });
  chart.days.forEach((day, i) => {
    let y = RUNS_H;
    for (const s of STATUSES) {
      const c = byDay.get(day)?.get(s) ?? 0;
      if (!c) continue;
      const h = (c / maxRuns) * RUNS_H;
      y -= h;
      const rect = svg('rect', { x: i * bw + 1, y, width: Math.max(1, bw - 2), height: h, class: `bar bar-${s}` });
      rect.append(svg('title', {}, `${day}: ${c} ${s.replace('_', ' ')}`));
      root.append(rect);
    }
    const bytes = chart.bytesByDay[day] ?? 0;
    if (bytes > 0) {
      const h = Math.max(1, (bytes / maxBytes) * BYTES_H);
      const rect = svg('rect', { x: i * bw + 1, y: bytesTop + BYTES_H - h, width: Math.max(1, bw - 2), height: h, class: 'bar bar-bytes' });
      rect.append(svg('title', {}, `${day}: ${fmtBytes(bytes)} moved`));
      root.append(rect);
    }
  });
  root.append(
    svg('line', { x1: 0, x2: W, y1: RUNS_H, y2: RUNS_H, class: 'axis' }),
    svg('line', { x1: 0, x2: W, y1: bytesTop + BYTES_H, y2: bytesTop + BYTES_H, class: 'axis' }),
    svg('text', { x: 2, y: 10 }, plural(maxRuns, 'run')),
    svg('text', { x: 2, y: bytesTop + 10 }, `${fmtBytes(maxBytes)} moved`),
    svg('text', { x: 0, y: bytesTop + BYTES_H + 12 }, chart.days[0] ?? ''),
    svg('text', { x: W, y: bytesTop + BYTES_H + 12, 'text-anchor': 'end' }, chart.days[n - 1] ?? ''));
  return root;
}

function legend(): HTMLElement {
  return el('ul', { class: 'legend', 'aria-label': 'Legend' },
    ...STATUSES.map((s) => el('li', {}, el('span', { class: `swatch bar-${s}`, 'aria-hidden': 'true' }), s.replace('_', ' '))),
    el('li', {}, el('span', { class: 'swatch bar-bytes', 'aria-hidden': 'true' }), 'bytes moved'));
}

/** The chart's figures for days with activity, as a table inside a disclosure. */
function dataTable(chart: ChartData, byDay: Map<string, Map<SyncHistoryStatus, number>>): HTMLElement {
  const days = chart.days.filter((d) => sum(byDay.get(d)) > 0 || (chart.bytesByDay[d] ?? 0) > 0);
  return el('details', {}, el('summary', {}, 'Chart data'),
    el('table', { 'aria-label': 'Runs and bytes per day' },
      el('thead', {}, el('tr', {}, ...['Day', ...STATUSES.map((s) => s.replace('_', ' ')), 'Bytes moved'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, ...days.map((d) => el('tr', {}, el('th', { scope: 'row' }, d),
        ...STATUSES.map((s) => el('td', { class: 'num' }, String(byDay.get(d)?.get(s) ?? 0))),
        el('td', { class: 'num' }, fmtBytes(chart.bytesByDay[d] ?? 0)))))));
}

export function chartView(chart: ChartData): HTMLElement {
  const byDay = runsByDay(chart);
  return el('figure', { class: 'chart-figure' }, el('figcaption', {}, `Last ${chart.days.length} days`), bars(chart, byDay), legend(), dataTable(chart, byDay));
}
