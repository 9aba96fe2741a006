// The one place that knows where a work item's page is in the Azure DevOps web UI.

/** https://dev.azure.com/org/Project/_workitems/edit/42 (the collection URL without trailing slashes). */
export function workItemWebUrl(collectionUrl: string, project: string, id: number): string {
  return `${collectionUrl.replace(/\/+$/, '')}/${encodeURIComponent(project)}/_workitems/edit/${id}`;
}
