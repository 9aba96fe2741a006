// Public surface of the backlog import (Ardoq -> Azure DevOps), for the CLI and the extension.
export { importBacklog, ImportCancelledError, type BacklogImportOptions } from './importer';
export type { BacklogSource, LoadedSource } from './backlogSource';
export { loadSource } from './backlogSource';
export { type ArdoqComponent, ArdoqFormatError, parseComponentList } from './ardoqComponent';
export { fetchArdoqComponents, ArdoqApiError, ArdoqAuthError, type ArdoqApiOptions } from './ardoqClient';
export { readComponentsFile } from './fileSource';
export { planBacklog, BacklogPlanError, type BacklogPlan, type PlannedItem } from './backlogPlan';
export { DEFAULT_TYPE_MAPPING, PROCESS_STORY_TYPES, typeMapping, parsePairs, asKind, TypeMappingError, BACKLOG_KINDS, type BacklogKind, type TypeMapping } from './typeMapping';
export type { BacklogProgressEvent, BacklogProgressListener, BacklogImportSummary, ItemProgressEvent, ItemOutcome, KindCounters } from './progressEvents';
export type { BacklogHistory, RunOrigin, RunStart, RunEnd, ItemRecord, RunStatus, AuditAction } from './importHistory';
export { sourceTag, componentTag, SOURCE_TAG_PREFIX, COMPONENT_TAG_PREFIX } from './importMarkers';
export { deleteWorkItemsInChunks, DELETE_CHUNK, type BatchDeleteResult } from './batchDelete';
export { storeBacklogHistory } from './storeHistory';
