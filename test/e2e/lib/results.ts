// Test results as both sides of the e2e run see them: collected from a mocha run (inside the
// extension host or in the runner for browser suites), sent as JSON, printed like mocha.
import type Mocha from 'mocha';

export type TestState = 'passed' | 'failed' | 'skipped';

export interface TestResult {
  readonly title: string;
  readonly state: TestState;
  readonly durationMs?: number;
  readonly error?: string;
}

export interface SuiteResults {
  readonly tests: TestResult[];
  /** Figures a suite measured (recordMetric), e.g. activation time in ms. */
  readonly metrics: Record<string, number>;
}

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

/** Resolves with one entry per test (and per failed hook) when the mocha run ends. */
export function collectResults(runner: Mocha.Runner): Promise<TestResult[]> {
  const tests: TestResult[] = [];
  runner.on('pass', (test) => tests.push({ title: test.fullTitle(), state: 'passed', durationMs: test.duration }));
  runner.on('pending', (test) => tests.push({ title: test.fullTitle(), state: 'skipped' }));
  runner.on('fail', (test, err: unknown) =>
    tests.push({ title: test.fullTitle(), state: 'failed', durationMs: test.duration, error: describeError(err) }),
  );
  return new Promise((resolve) => runner.once('end', () => resolve(tests)));
}

export function describeError(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return String(err);
}

export function countResults(tests: readonly TestResult[]): Counts {
  const counts: Counts = { passed: 0, failed: 0, skipped: 0 };
  for (const test of tests) counts[test.state]++;
  return counts;
}

/** Mocha-like lines for one section of the run. */
export function formatSection(name: string, results: SuiteResults): string[] {
  const lines = ['', name];
  for (const test of results.tests) {
    const time = test.durationMs === undefined ? '' : ` (${test.durationMs} ms)`;
    if (test.state === 'passed') lines.push(`  ✔ ${test.title}${time}`);
    else if (test.state === 'skipped') lines.push(`  - ${test.title} (skipped)`);
    else {
      lines.push(`  ✖ ${test.title}${time}`);
      for (const line of (test.error ?? '').split('\n').slice(0, 12)) lines.push(`      ${line}`);
    }
  }
  for (const [metric, value] of Object.entries(results.metrics)) lines.push(`  · ${metric}: ${value}`);
  return lines;
}

export function formatSummary(counts: Counts): string {
  return `${counts.passed} passed, ${counts.failed} failed` + (counts.skipped ? `, ${counts.skipped} skipped` : '');
}

export function isSuiteResults(value: unknown): value is SuiteResults {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<SuiteResults>;
  return Array.isArray(candidate.tests) && typeof candidate.metrics === 'object' && candidate.metrics !== null;
}
