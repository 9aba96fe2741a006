// What the official client (azure-devops-node-api) asks before any call: connectionData,
// resource areas (on-prem style: {"count":0,"value":null} => "use the server URL") and the
// per-area location lists answered to OPTIONS /_apis/{area}.
import type { EmulatorState } from './state';
import type { RequestContext } from './wire';

interface Location {
  id: string;
  area: string;
  resourceName: string;
  routeTemplate: string;
}

const LOCATIONS: Location[] = [
  { id: '00d9565f-ed9c-4a06-9a50-00e7896ccab4', area: 'Location', resourceName: 'ConnectionData', routeTemplate: '_apis/{resource}' },
  { id: 'e81700f7-3be2-46de-8624-2eb35882fcaa', area: 'Location', resourceName: 'ResourceAreas', routeTemplate: '_apis/{resource}/{areaId}' },
  { id: 'e07b5fa4-1499-494d-a496-64b860fd64ff', area: 'wit', resourceName: 'attachments', routeTemplate: '{project}/_apis/{area}/{resource}/{id}' },
  { id: '72c7ddf8-2cdc-4f60-90cd-ab71c14a399b', area: 'wit', resourceName: 'workItems', routeTemplate: '{project}/_apis/{area}/{resource}/{id}' },
  { id: '62d3d110-0047-428c-ad3c-4fe872c91c74', area: 'wit', resourceName: 'workItems', routeTemplate: '{project}/_apis/{area}/{resource}/${type}' },
  { id: '908509b6-4248-4475-a1cd-829139ba419f', area: 'wit', resourceName: 'workItemsBatch', routeTemplate: '{project}/_apis/{area}/{resource}' },
  { id: '1a9c53f7-f243-4447-b110-35ef023636e4', area: 'wit', resourceName: 'wiql', routeTemplate: '{project}/{team}/_apis/{area}/{resource}/{id}' },
  { id: '6570bf97-d02c-4a91-8d93-3abe9895b1a9', area: 'wit', resourceName: 'updates', routeTemplate: '{project}/_apis/{area}/workItems/{id}/{resource}/{updateNumber}' },
  { id: 'a00c85a5-80fa-4565-99c3-bcd2181434bb', area: 'wit', resourceName: 'revisions', routeTemplate: '{project}/_apis/{area}/workItems/{id}/{resource}/{revisionNumber}' },
  { id: 'f828fe59-dd87-495d-a17c-7a8d6211ca6c', area: 'wit', resourceName: 'workItemRevisions', routeTemplate: '{project}/_apis/{area}/reporting/{resource}' },
  { id: 'fc50d02a-849f-41fb-8af1-0a5216103269', area: 'hooks', resourceName: 'Subscriptions', routeTemplate: '_apis/{area}/{resource}/{subscriptionId}' },
];

/** maxVersion = the emulator's apiVersionMax, so the client negotiates down to it. */
export function locationOptions(area: string, maxVersion: string): Record<string, unknown> {
  const value = LOCATIONS.filter((l) => l.area.toLowerCase() === area.toLowerCase()).map((l) => ({
    ...l,
    minVersion: '1.0',
    maxVersion,
    releasedVersion: maxVersion,
    resourceVersion: 3,
  }));
  return { count: value.length, value };
}

export function resourceAreas(_ctx: RequestContext): Record<string, unknown> {
  // The on-prem answer: the client then uses the server URL for every area.
  return { count: 0, value: null };
}

export function connectionData(ctx: RequestContext, state: EmulatorState): Record<string, unknown> {
  const user = state.users[ctx.userIndex] ?? state.users[0];
  const identity = {
    id: user.id,
    descriptor: `Microsoft.IdentityModel.Claims.ClaimsIdentity;${user.uniqueName}`,
    subjectDescriptor: user.descriptor,
    providerDisplayName: user.displayName,
    isActive: true,
    members: [],
    memberOf: [],
    properties: { Account: { $type: 'System.String', $value: user.uniqueName } },
    resourceVersion: 2,
    metaTypeId: 0,
  };
  return {
    authenticatedUser: identity,
    authorizedUser: identity,
    instanceId: state.collectionId,
    deploymentId: 'd4d4c5a8-1f6e-4c1e-9f5b-7a0c3e2b1a00',
    deploymentType: 'onPremises',
    locationServiceData: {
      serviceOwner: '00025394-6065-48ca-87d9-7f5672854ef7',
      defaultAccessMappingMoniker: 'PublicAccessMapping',
      lastChangeId: 1,
      lastChangeId64: 1,
      accessMappings: [{ displayName: 'Public Access Mapping', moniker: 'PublicAccessMapping', accessPoint: ctx.collectionUrl }],
    },
  };
}
