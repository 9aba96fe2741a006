// GET /api/sync/events: the engine's run events as server-sent events (seed 002's progress).
// A slow reader loses progress ticks (the next one says more), never the start, item or end events.
import type { ServerResponse } from 'node:http';
import type { SyncEventName, SyncEvents } from '../core/sync/events';
import { HttpError } from './httpError';

const FORWARDED: readonly SyncEventName[] = ['runStarted', 'runPlanned', 'itemProgress', 'itemDone', 'runFinished'];
const HEARTBEAT_MS = 15_000;
/** Each stream adds a listener per event to the engine's emitter (which allows 100). */
export const MAX_EVENT_STREAMS = 10;

export class EventStreams {
  private open = 0;
  constructor(private readonly events: SyncEvents) {}

  /** Takes over the response until the client goes away or the server closes. */
  attach(res: ServerResponse): void {
    if (this.open >= MAX_EVENT_STREAMS) throw new HttpError(503, 'TOO_MANY_STREAMS', `at most ${MAX_EVENT_STREAMS} event streams at once; close one and retry`);
    this.open++;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
    res.write(': ado-sync events\n\n');
    let congested = false;
    res.on('drain', () => (congested = false));
    const send = (name: SyncEventName, data: unknown): void => {
      if (congested && name === 'itemProgress') return;
      congested = !res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const unsubscribe = FORWARDED.map((name) => this.events.on(name, (e) => send(name, e)));
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    res.once('close', () => {
      this.open--;
      clearInterval(heartbeat);
      for (const off of unsubscribe) off();
    });
  }
}
