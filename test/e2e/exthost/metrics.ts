// Figures a suite measures inside the extension host (e.g. activation time); the suite runner
// sends them back with the test results.
const metrics: Record<string, number> = {};

export function recordMetric(name: string, value: number): void {
  metrics[name] = Math.round(value * 10) / 10;
}

export function recordedMetrics(): Record<string, number> {
  return { ...metrics };
}
