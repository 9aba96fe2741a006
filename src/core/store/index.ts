/** Public surface of the sync store. */
export { openStore, SyncStore, type StoreOptions, type PruneResult, type FlushInfo } from './store';
export { StoreError, StoreLockedError, StoreVersionError, StoreCorruptError, StoreClosedError, StoreWriteError, StorePathError, trackedSidecarName } from './errors';
export { SCHEMA_VERSION } from './migrations';
export { sqlWasmPath } from './sqlite';
export type { SyncStats } from './stats';
export * from './repositories/attachments';
export * from './repositories/uploadSessions';
export * from './repositories/dirtyItems';
export * from './repositories/events';
export * from './repositories/webhooks';
export * from './repositories/dedup';
export * from './repositories/history';
export * from './repositories/audit';
export * from './repositories/trackedItems';
export * from './repositories/watermarks';
export * from './repositories/apiTokens';
