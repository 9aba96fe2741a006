import type { RepoContext } from './context';

export interface WatermarkRow {
  projectName: string; watermark: string | null; continuationToken: string | null; updatedAt: string;
}

/** inbound_watermarks: per-project position of the inbound change feed. */
export class WatermarkRepository {
  constructor(private readonly c: RepoContext) {}

  get(projectName: string): WatermarkRow | undefined {
    return this.c.sql.get<WatermarkRow>(
      `SELECT project_name AS projectName, watermark, continuation_token AS continuationToken, updated_at AS updatedAt
       FROM inbound_watermarks WHERE project_name = ?`, [projectName]);
  }

  set(projectName: string, watermark: string | null, continuationToken: string | null): void {
    this.c.sql.run(
      `INSERT INTO inbound_watermarks (project_name, watermark, continuation_token, updated_at) VALUES (?,?,?,?)
       ON CONFLICT(project_name) DO UPDATE SET watermark = excluded.watermark,
         continuation_token = excluded.continuation_token, updated_at = excluded.updated_at`,
      [projectName, watermark, continuationToken, this.c.now()]);
  }
}
