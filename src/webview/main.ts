// Browser code of the Sync History view. It talks to the extension host only by messages.
declare function acquireVsCodeApi(): { postMessage(message: unknown): void };

const vscodeApi = acquireVsCodeApi();
vscodeApi.postMessage({ type: 'ready' });
