/** Typed errors of the sync store. */
export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Another live process holds the writer lock. */
export class StoreLockedError extends StoreError {
  constructor(readonly pid: number, readonly host: string, readonly lockPath: string) {
    super(`Sync store is in use by pid ${pid} on ${host} (lock ${lockPath})`);
  }
}

/** The database was written by a newer schema than this build knows. */
export class StoreVersionError extends StoreError {
  constructor(readonly found: number, readonly supported: number) {
    super(`Sync store schema version ${found} is newer than supported version ${supported}; refusing to downgrade`);
  }
}

/** The file is not a usable database; reported (not thrown) when recovered. */
export class StoreCorruptError extends StoreError {
  constructor(readonly dbPath: string, readonly reason: string, readonly movedTo?: string) {
    super(`Sync store ${dbPath} is corrupt (${reason})${movedTo ? `; moved aside to ${movedTo}` : ''}`);
  }
}

/** A write was attempted on a read-only handle or after close. */
export class StoreClosedError extends StoreError {}
