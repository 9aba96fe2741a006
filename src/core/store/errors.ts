import { formatBytes } from '../../shared/format';

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

/**
 * The file is not a usable database; reported (not thrown). movedTo: where the damaged copy was
 * kept when a writer replaced it with a new database; undefined for a read-only viewer, which
 * leaves the file where it is.
 */
export class StoreCorruptError extends StoreError {
  constructor(readonly dbPath: string, readonly reason: string, readonly movedTo?: string, readonly restoredTracked = 0) {
    super(`The sync database ${dbPath} is damaged (${reason}). ` + (movedTo
      ? `The damaged copy is kept at ${movedTo}; a new database was started. ${restoredTracked} tracked work item(s) were restored from ${trackedSidecarName(dbPath)}; ` +
        'attachment records are rebuilt by sync from what Azure DevOps holds (the [sha256:…] markers in relation comments) and the files in the mirror folder. Sync history before now is only in the damaged copy.'
      : 'It was left as it is: its contents cannot be shown. The next command that writes (e.g. sync) moves it aside and starts a new database.'));
  }
}

/** The sidecar that remembers the tracked work items outside the database. */
export function trackedSidecarName(dbPath: string): string {
  return `${dbPath}.tracked.json`;
}

/**
 * Saving the database failed (a full disk, EIO, a failed fsync, a file system gone read-only).
 * The file on disk keeps its previous content; the changes stay in memory and saving is retried.
 */
export class StoreWriteError extends StoreError {
  constructor(readonly dbPath: string, readonly code: string, readonly detail: string, readonly freeBytes: number | undefined) {
    super(`${couldNotSave(dbPath, code, detail, freeBytes)} The previous file is kept unchanged; recent changes are held in memory and saving is retried.`);
  }

  /** "The sync database … could not be saved (ENOSPC: …; 12 KB free on its file system)." */
  get headline(): string {
    return couldNotSave(this.dbPath, this.code, this.detail, this.freeBytes);
  }
}

function couldNotSave(dbPath: string, code: string, detail: string, free: number | undefined): string {
  return `The sync database ${dbPath} could not be saved (${code}: ${detail}; ${free === undefined ? 'free space unknown' : `${formatBytes(free)} free`} on its file system).`;
}

/**
 * The database path cannot be used (a read-only folder or file, a path under a regular file, a
 * directory where the file should be): a configuration problem for the user to fix.
 */
export class StorePathError extends StoreError {
  constructor(readonly dbPath: string, readonly code: string, readonly problem: string) {
    super(`The sync database path ${dbPath} cannot be used: ${problem} (${code})`);
  }
}

/** A write was attempted on a read-only handle or after close. */
export class StoreClosedError extends StoreError {}
