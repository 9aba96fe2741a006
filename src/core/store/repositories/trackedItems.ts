import type { RepoContext } from './context';

export interface TrackedItemRow {
  workItemId: number; projectName: string; title: string | null; localFolder: string | null;
  lastRev: number | null; lastCheckedAt: string | null; addedAt: string;
}

export const TRACKED_COLS = `work_item_id AS workItemId, project_name AS projectName, title, local_folder AS localFolder,
  last_rev AS lastRev, last_checked_at AS lastCheckedAt, added_at AS addedAt`;

/** tracked_work_items: the work items this workspace keeps in sync. */
export class TrackedItemRepository {
  /** changed: the tracked set changed (the store keeps a copy of it beside the database). */
  constructor(private readonly c: RepoContext, private readonly changed: () => void = () => undefined) {}

  track(t: { workItemId: number; projectName: string; title?: string | null; localFolder?: string | null; addedAt?: string }): void {
    this.c.sql.run(
      `INSERT INTO tracked_work_items (work_item_id, project_name, title, local_folder, added_at) VALUES (?,?,?,?,?)
       ON CONFLICT(work_item_id) DO UPDATE SET project_name = excluded.project_name,
         title = COALESCE(excluded.title, title), local_folder = COALESCE(excluded.local_folder, local_folder)`,
      [t.workItemId, t.projectName, t.title ?? null, t.localFolder ?? null, t.addedAt ?? this.c.now()]);
    this.changed();
  }

  untrack(workItemId: number): boolean {
    const removed = this.c.sql.run(`DELETE FROM tracked_work_items WHERE work_item_id = ?`, [workItemId]) > 0;
    if (removed) this.changed();
    return removed;
  }

  get(workItemId: number): TrackedItemRow | undefined {
    return this.c.sql.get<TrackedItemRow>(`SELECT ${TRACKED_COLS} FROM tracked_work_items WHERE work_item_id = ?`, [workItemId]);
  }

  list(projectName?: string): TrackedItemRow[] {
    return projectName === undefined
      ? this.c.sql.all<TrackedItemRow>(`SELECT ${TRACKED_COLS} FROM tracked_work_items ORDER BY work_item_id`)
      : this.c.sql.all<TrackedItemRow>(`SELECT ${TRACKED_COLS} FROM tracked_work_items WHERE project_name = ? ORDER BY work_item_id`, [projectName]);
  }

  markChecked(workItemId: number, rev: number): void {
    this.c.sql.run(`UPDATE tracked_work_items SET last_rev = ?, last_checked_at = ? WHERE work_item_id = ?`, [rev, this.c.now(), workItemId]);
  }
}
