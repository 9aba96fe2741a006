// Wire types of the Azure DevOps REST API, as much of them as the sync uses (ado-api.md).

/** Most list endpoints wrap their items like this, whatever the OpenAPI says. */
export interface CollectionResponse<T> {
  count: number;
  value: T[];
}

export interface IdentityRef {
  id?: string;
  displayName?: string;
  uniqueName?: string;
  descriptor?: string;
  url?: string;
  imageUrl?: string;
}

export interface ConnectionData {
  authenticatedUser: { id: string; descriptor?: string; providerDisplayName?: string; isActive?: boolean; properties?: Record<string, unknown> };
  authorizedUser?: { id: string; providerDisplayName?: string };
  instanceId?: string;
  deploymentId?: string;
  deploymentType?: 'hosted' | 'onPremises' | string;
}

export interface TeamProjectReference {
  id: string;
  name: string;
  description?: string;
  url?: string;
  state?: string;
  revision?: number;
  visibility?: string;
  lastUpdateTime?: string;
}

export interface AttachmentReference {
  id: string;
  url: string;
}

export interface RelationAttributes {
  authorizedDate?: string;
  id?: number;
  resourceCreatedDate?: string;
  resourceModifiedDate?: string;
  revisedDate?: string;
  resourceSize?: number;
  name?: string;
  comment?: string;
  isLocked?: boolean;
  [key: string]: unknown;
}

export interface WorkItemRelation {
  rel: string;
  url: string;
  attributes?: RelationAttributes;
}

export type WorkItemFieldValue = string | number | boolean | null | IdentityRef | Record<string, unknown>;

export interface WorkItem {
  id: number;
  rev: number;
  fields: Record<string, WorkItemFieldValue>;
  relations?: WorkItemRelation[];
  _links?: Record<string, { href: string }>;
  url: string;
}

export type WorkItemExpand = 'none' | 'relations' | 'fields' | 'links' | 'all';

export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

/** Answer of workitemsdelete: per-id outcomes (a 204 carries none: all were deleted). */
export interface WorkItemDeleteBatch {
  results?: { id?: number; code?: number; message?: string }[];
}

export interface WorkItemDelete {
  id: number;
  code?: number;
  type?: string;
  name?: string;
  project?: string;
  deletedDate?: string;
  deletedBy?: string;
  url?: string;
}

export interface WorkItemFieldUpdate {
  oldValue?: unknown;
  newValue?: unknown;
}

export interface WorkItemUpdate {
  id: number;
  workItemId: number;
  rev: number;
  revisedBy?: IdentityRef;
  revisedDate?: string;
  fields?: Record<string, WorkItemFieldUpdate>;
  relations?: { added?: WorkItemRelation[]; removed?: WorkItemRelation[]; updated?: WorkItemRelation[] };
  url?: string;
}

export interface WorkItemReference {
  id: number;
  url: string;
}

export interface WiqlResult {
  queryType: string;
  queryResultType: string;
  asOf: string;
  columns?: { referenceName: string; name: string; url: string }[];
  sortColumns?: { field: { referenceName: string; name?: string; url?: string }; descending: boolean }[];
  workItems?: WorkItemReference[];
  workItemRelations?: { rel: string | null; source: WorkItemReference | null; target: WorkItemReference }[];
}

export interface ReportingRevision {
  id: number;
  rev: number;
  fields: Record<string, WorkItemFieldValue>;
}

export interface ReportingRevisionsBatch {
  values: ReportingRevision[];
  nextLink?: string;
  continuationToken?: string;
  isLastBatch: boolean;
}

export interface SubscriptionInput {
  publisherId: string;
  eventType: string;
  resourceVersion?: string;
  consumerId: string;
  consumerActionId: string;
  publisherInputs: Record<string, string>;
  consumerInputs: Record<string, string>;
}

export interface Subscription extends SubscriptionInput {
  id: string;
  url?: string;
  status?: 'enabled' | 'onProbation' | 'disabledByUser' | 'disabledBySystem' | 'disabledByInactiveIdentity' | string;
  createdDate?: string;
  modifiedDate?: string;
  eventDescription?: string;
  actionDescription?: string;
}
