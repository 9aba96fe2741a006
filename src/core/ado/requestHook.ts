// node-fetch@2 never ends or fails a response body when the server closes the connection before
// sending all of its Content-Length: the body stream just stalls. This hook sees the underlying
// http.ClientRequest of each fetch (through Node's `http.client.request.start` diagnostics
// channel, scoped to the calling async context) and reports such an incomplete response at once,
// instead of after an idle timeout. It forces no agent, so VS Code's proxy support still applies.
import { AsyncLocalStorage } from 'node:async_hooks';
import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';

export interface RequestObserver {
  /** The response ended before all its bytes arrived (connection closed or reset). */
  onIncompleteResponse(): void;
}

const context = new AsyncLocalStorage<RequestObserver>();
let subscribed = false;

function subscribeOnce(): void {
  if (subscribed) return;
  subscribed = true;
  diagnostics.subscribe('http.client.request.start', (message) => {
    const observer = context.getStore();
    const request = (message as { request?: ClientRequest }).request;
    if (!observer || !request) return;
    request.once('response', (response: IncomingMessage) => {
      response.once('close', () => {
        if (!response.complete) observer.onIncompleteResponse();
      });
    });
  });
}

/**
 * Runs start with observer attached to the request it makes. Node publishes the channel message
 * when the request's body has ended, so start must also create any body stream (the message then
 * comes from that stream's async context, which inherits this one).
 */
export function observeRequest<T>(observer: RequestObserver, start: () => T): T {
  subscribeOnce();
  return context.run(observer, start);
}
