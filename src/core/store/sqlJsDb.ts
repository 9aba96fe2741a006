// The embedded sql.js store behind the asynchronous SyncDb interface. Each call runs the synchronous
// repository at once and resolves with its result. A transaction awaits between its statements, so
// calls from elsewhere in the process wait until it has ended instead of joining it (and being
// rolled back with it).
import { SyncStore } from './store';
import type { AsyncRepository, SyncDb, SyncDbRepositories } from './syncDb';

function promised<R extends object>(repo: R, before: () => Promise<void>): AsyncRepository<R> {
  const wrapped = new Map<PropertyKey, (...args: unknown[]) => Promise<unknown>>();
  return new Proxy(repo, {
    get(target, key) {
      const method: unknown = Reflect.get(target, key);
      if (typeof method !== 'function') return method;
      let f = wrapped.get(key);
      if (!f) {
        f = async (...args: unknown[]) => {
          await before();
          return (method as (...a: unknown[]) => unknown).apply(target, args);
        };
        wrapped.set(key, f);
      }
      return f;
    },
  }) as unknown as AsyncRepository<R>;
}

function repositoriesOf(store: SyncStore, before: () => Promise<void>): SyncDbRepositories {
  return {
    attachments: promised(store.attachments, before), uploadSessions: promised(store.uploadSessions, before),
    dirtyItems: promised(store.dirtyItems, before), events: promised(store.events, before), dedup: promised(store.dedup, before),
    history: promised(store.history, before), audit: promised(store.audit, before), trackedItems: promised(store.trackedItems, before),
    watermarks: promised(store.watermarks, before), apiTokens: promised(store.apiTokens, before), webhooks: promised(store.webhooks, before),
  };
}

export class SqlJsDb implements SyncDb {
  readonly kind = 'sqljs' as const;
  /** Settles when the transaction now open (and those queued before it) has ended. */
  private current: Promise<unknown> = Promise.resolve();
  private open = 0;
  private readonly inside: SyncDbRepositories;
  private readonly outside: SyncDbRepositories;

  constructor(readonly store: SyncStore) {
    this.inside = repositoriesOf(store, () => Promise.resolve());
    this.outside = repositoriesOf(store, () => this.idle());
  }

  get path(): string { return this.store.path; }
  get damaged(): { message: string } | undefined { return this.store.damaged; }
  get attachments() { return this.outside.attachments; }
  get uploadSessions() { return this.outside.uploadSessions; }
  get dirtyItems() { return this.outside.dirtyItems; }
  get events() { return this.outside.events; }
  get dedup() { return this.outside.dedup; }
  get history() { return this.outside.history; }
  get audit() { return this.outside.audit; }
  get trackedItems() { return this.outside.trackedItems; }
  get watermarks() { return this.outside.watermarks; }
  get apiTokens() { return this.outside.apiTokens; }
  get webhooks() { return this.outside.webhooks; }

  transaction<T>(fn: (tx: SyncDbRepositories) => Promise<T>): Promise<T> {
    const before = this.current;
    this.open++;
    const mine = before.catch(() => undefined).then(() => this.store.transactionAsync(() => fn(this.inside)))
      .finally(() => { this.open--; });
    this.current = mine.catch(() => undefined);
    return mine;
  }

  async flush(): Promise<void> {
    await this.idle();
    this.store.flush();
  }

  async close(): Promise<void> {
    await this.idle();
    this.store.close();
  }

  private async idle(): Promise<void> {
    while (this.open > 0) await this.current;
  }
}

/** The SyncDb view of an open sql.js store (the same store: its own sync callers see every write). */
export function sqlJsDb(store: SyncStore): SqlJsDb {
  return new SqlJsDb(store);
}

/** A SyncDb as given, or the view of a sql.js store (callers that still hold a SyncStore). */
export function asSyncDb(store: SyncStore | SyncDb): SyncDb {
  return store instanceof SyncStore ? sqlJsDb(store) : store;
}
