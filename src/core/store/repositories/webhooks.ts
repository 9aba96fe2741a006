import type { RepoContext } from './context';

export interface WebhookRow {
  subscriptionId: string; eventType: string; url: string; project: string | null; status: string; createdAt: string;
}

export type NewWebhook = Omit<WebhookRow, 'createdAt'>;

const COLS = `subscription_id AS subscriptionId, event_type AS eventType, url, project, status, created_at AS createdAt`;

/** The statements of webhook_subscriptions, the same on both databases. */
export const WEBHOOK_SQL = {
  upsert: `INSERT INTO webhook_subscriptions (subscription_id, event_type, url, project, status, created_at) VALUES (?,?,?,?,?,?)
    ON CONFLICT(subscription_id) DO UPDATE SET event_type = excluded.event_type, url = excluded.url,
      project = excluded.project, status = excluded.status`,
  get: `SELECT ${COLS} FROM webhook_subscriptions WHERE subscription_id = ?`,
  all: `SELECT ${COLS} FROM webhook_subscriptions ORDER BY created_at, subscription_id`,
  ofProject: `SELECT ${COLS} FROM webhook_subscriptions WHERE project = ? ORDER BY created_at, subscription_id`,
  remove: `DELETE FROM webhook_subscriptions WHERE subscription_id = ?`,
};

export function webhookValues(w: NewWebhook, t: string): (string | null)[] {
  return [w.subscriptionId, w.eventType, w.url, w.project, w.status, t];
}

/** webhook_subscriptions: ADO service-hook subscriptions this install created. */
export class WebhookRepository {
  constructor(private readonly c: RepoContext) {}

  upsert(w: NewWebhook): void {
    this.c.sql.run(WEBHOOK_SQL.upsert, webhookValues(w, this.c.now()));
  }

  get(subscriptionId: string): WebhookRow | undefined {
    return this.c.sql.get<WebhookRow>(WEBHOOK_SQL.get, [subscriptionId]);
  }

  list(project?: string): WebhookRow[] {
    return project === undefined ? this.c.sql.all<WebhookRow>(WEBHOOK_SQL.all) : this.c.sql.all<WebhookRow>(WEBHOOK_SQL.ofProject, [project]);
  }

  remove(subscriptionId: string): boolean {
    return this.c.sql.run(WEBHOOK_SQL.remove, [subscriptionId]) > 0;
  }
}
