/** Stops a run that would remove more than a configured share of the known records (rclone bisync's --max-delete idea). */
export class MaxDeleteExceededError extends Error {
  constructor(readonly deletions: number, readonly total: number, readonly maxShare: number) {
    super(`sync stopped: it would remove ${deletions} of ${total} records (more than ${Math.round(maxShare * 100)}%)`);
    this.name = 'MaxDeleteExceededError';
  }
}

/** Throws MaxDeleteExceededError when deletions/total exceeds maxShare (0..1). An empty base never brakes. */
export function checkMaxDelete(deletions: number, total: number, maxShare: number): void {
  if (total <= 0 || deletions <= 0) return;
  if (deletions / total > maxShare) throw new MaxDeleteExceededError(deletions, total, maxShare);
}
