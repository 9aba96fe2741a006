import type { RepoContext } from './context';

export interface WebhookRow {
  subscriptionId: string; eventType: string; url: string; project: string | null; status: string; createdAt: string;
}

const COLS = `subscription_id AS subscriptionId, event_type AS eventType, url, project, status, created_at AS createdAt`;

/** webhook_subscriptions: ADO service-hook subscriptions this install created. */
export class WebhookRepository {
  constructor(private readonly c: RepoContext) {}

  upsert(w: Omit<WebhookRow, 'createdAt'>): void {
    this.c.sql.run(
      `INSERT INTO webhook_subscriptions (subscription_id, event_type, url, project, status, created_at) VALUES (?,?,?,?,?,?)
       ON CONFLICT(subscription_id) DO UPDATE SET event_type = excluded.event_type, url = excluded.url,
         project = excluded.project, status = excluded.status`,
      [w.subscriptionId, w.eventType, w.url, w.project, w.status, this.c.now()]);
  }

  get(subscriptionId: string): WebhookRow | undefined {
    return this.c.sql.get<WebhookRow>(`SELECT ${COLS} FROM webhook_subscriptions WHERE subscription_id = ?`, [subscriptionId]);
  }

  list(project?: string): WebhookRow[] {
    return project === undefined
      ? this.c.sql.all<WebhookRow>(`SELECT ${COLS} FROM webhook_subscriptions ORDER BY created_at, subscription_id`)
      : this.c.sql.all<WebhookRow>(`SELECT ${COLS} FROM webhook_subscriptions WHERE project = ? ORDER BY created_at, subscription_id`, [project]);
  }

  remove(subscriptionId: string): boolean {
    return this.c.sql.run(`DELETE FROM webhook_subscriptions WHERE subscription_id = ?`, [subscriptionId]) > 0;
  }
}
