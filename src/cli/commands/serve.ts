// `ado-sync serve`: a long-lived process that keeps the mirror folder current. It runs the webhook
// receiver (loopback by default) with the HTTP API beside it on the same port (src/server,
// bearer tokens from `ado-sync token`; with --poll-only the API alone), and the engine's coordinator, which polls the change feed
// (ATTACHMENT_SYNC_POLL_INTERVAL, 0 = off) and syncs what is dirty; prints the state on start and on
// shutdown, and on SIGINT/SIGTERM lets the items in flight finish, closes the engine and exits 0.
import path from 'node:path';
import {
  describeInboundState, startInboundService, WEBHOOK_DEFAULTS, WEBHOOK_ENV, WebhookSettingsError, webhookSettingsFromEnv,
  type InboundServiceState, type WebhookSettings,
} from '../../core/webhook';
import { startApiListener } from '../../server/apiListener';
import { createApiHandler, DEFAULT_RATE_LIMIT_RPM } from '../../server/apiServer';
import { CorsOriginError, parseCorsOrigin } from '../../server/cors';
import { localBaseUrl, newAdminKey, publishControl } from '../../server/serveControl';
import type { Command, CommandContext } from '../command';
import { runHeadline, withEngine } from '../engineSession';
import { CliError, ExitCode } from '../exitCodes';
import { optionText, settingsFor } from '../session';

const USAGE = `[--port <n>] [--poll-interval <seconds>] [--poll-only] [--bind <address> --allow-remote] [--api-rate-limit <n>] [--cors-origin <origin>...]

  --port <n>                 receiver and HTTP API port (${WEBHOOK_ENV.port}, default 8787; 0 = any free port)
  --poll-interval <seconds>  background sync of all tracked items (ATTACHMENT_SYNC_POLL_INTERVAL,
                             default 300; 0 = off)
  --poll-only                no webhook receiver (and no need for its credentials): the HTTP API
                             alone on the port, and the poll
  --bind <address>           listen on another address than 127.0.0.1; needs --allow-remote too
  --allow-remote             confirms that the port may be reached from other machines
  --api-rate-limit <n>       HTTP API requests per minute per token (default ${DEFAULT_RATE_LIMIT_RPM})
  --cors-origin <origin>     lets browser scripts from this origin (https://host[:port]) call the
                             HTTP API; repeat for more. Off unless given.
The HTTP API (/api/sync/*, /api/sync-history, /api/openapi.json...) answers on the same port;
callers send "Authorization: Bearer <token>" with a token from "ado-sync token create".
Receiver credentials come from the environment: ${WEBHOOK_ENV.username} and ${WEBHOOK_ENV.password},
and/or ${WEBHOOK_ENV.secret}. Stop with Ctrl+C (SIGINT) or SIGTERM.`;

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;

export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host.trim());
}

function integerOption(context: CommandContext, name: string, min: number, max: number): number | undefined {
  const raw = optionText(context.values, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new CliError(`--${name} must be a whole number between ${min} and ${max}; got "${raw}".`);
  return value;
}

/** Where the port is opened: the receiver's and the API's, or the API's alone with --poll-only. */
interface ListenAddress { host: string; port: number }

/**
 * --bind and --port over the environment's address. Anything but loopback needs --bind and
 * --allow-remote on the command line: an address in the environment alone must not expose the port.
 */
function listenAddress(context: CommandContext, fromEnv: ListenAddress): ListenAddress {
  const bind = optionText(context.values, 'bind');
  const host = bind ?? fromEnv.host;
  if (!isLoopback(host) && !(bind !== undefined && context.values['allow-remote'] === true)) {
    throw new CliError(`Listening on ${host} would expose the server beyond this machine. Confirm with --bind ${host} --allow-remote, or use 127.0.0.1 behind a reverse proxy.`);
  }
  return { host, port: integerOption(context, 'port', 0, 65535) ?? fromEnv.port };
}

/** The receiver's settings, with the address of listenAddress(). */
export function receiverSettings(context: CommandContext): WebhookSettings {
  let hook: WebhookSettings;
  try {
    hook = webhookSettingsFromEnv(context.env);
  } catch (error) {
    if (error instanceof WebhookSettingsError) throw new CliError(`${error.message} (or run with --poll-only).`);
    throw error;
  }
  return { ...hook, ...listenAddress(context, hook) };
}

/** With --poll-only: the API's address from the receiver's variables, which need no credentials for it. */
function apiOnlyAddress(context: CommandContext): ListenAddress {
  const raw = context.env[WEBHOOK_ENV.port];
  const port = raw === undefined ? WEBHOOK_DEFAULTS.port : Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`${WEBHOOK_ENV.port} must be a port number (0 to 65535); got "${raw ?? ''}".`);
  return listenAddress(context, { host: context.env[WEBHOOK_ENV.host] ?? WEBHOOK_DEFAULTS.host, port });
}

function corsOriginsOf(context: CommandContext): string[] {
  const raw = context.values['cors-origin'];
  const given = Array.isArray(raw) ? raw.filter((v): v is string => typeof v === 'string') : [];
  try {
    return given.map(parseCorsOrigin);
  } catch (error) {
    if (error instanceof CorsOriginError) throw new CliError(`--cors-origin: ${error.message}.`);
    throw error;
  }
}

function warnRemote(context: CommandContext, host: string, receiver: boolean): void {
  const o = context.output;
  o.warn('**********************************************************************');
  o.warn(`The ${receiver ? 'webhook receiver and the HTTP API listen' : 'HTTP API listens'} on ${host}: other machines can reach ${receiver ? 'them' : 'it'}.`);
  o.warn(`Anyone who can reach it and knows ${receiver ? 'the credentials or ' : ''}a token can trigger syncs. Put it behind`);
  o.warn(`HTTPS (a reverse proxy)${receiver ? '; Azure DevOps Services sends basic auth only over https' : ''}.`);
  o.warn('**********************************************************************');
}

function showState(context: CommandContext, event: 'started' | 'stopped', state: InboundServiceState, api: string): void {
  context.output.result({ event, ...state, api }, () => [`ado-sync serve ${event}.`, ...describeInboundState(state), `HTTP API: ${event === 'started' ? `${api}/api` : 'stopped'}`].join('\n'));
}

/** A port in use or not allowed is the user's to fix: exit 2 with what to change. */
async function listening<T>(address: ListenAddress, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new CliError(`ado-sync serve cannot listen on ${address.host}:${address.port} (${code}). Choose another --port (${WEBHOOK_ENV.port}) or --bind address.`);
    }
    throw error;
  }
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run the webhook receiver, the background poll and the sync worker until stopped.',
  usage: USAGE,
  options: {
    port: { type: 'string' },
    'poll-interval': { type: 'string' },
    'poll-only': { type: 'boolean', default: false },
    bind: { type: 'string' },
    'allow-remote': { type: 'boolean', default: false },
    'api-rate-limit': { type: 'string' },
    'cors-origin': { type: 'string', multiple: true },
  },
  async run(context) {
    // Every flag is checked before the network or the database is touched.
    const webhook = context.values['poll-only'] === true ? undefined : receiverSettings(context);
    const address = webhook ?? apiOnlyAddress(context);
    const pollSeconds = integerOption(context, 'poll-interval', 0, 86_400) ?? settingsFor(context).pollIntervalSeconds;
    const rateLimitRpm = integerOption(context, 'api-rate-limit', 1, 1_000_000);
    const corsOrigins = corsOriginsOf(context);
    if (!isLoopback(address.host)) warnRemote(context, address.host, webhook !== undefined);
    return withEngine(context, async ({ engine, db, client, settings }) => {
      if ((await db.apiTokens.live()).length === 0) context.output.warn('No API token yet: the HTTP API refuses every call but /api/health. Create one with "ado-sync token create --name <name>" (it works while serve runs).');
      const adminKey = newAdminKey();
      const api = createApiHandler({ engine, store: db, client, settings }, { signal: context.signal, rateLimitRpm, corsOrigins, adminKey, log: (m) => context.output.warn(m) });
      // With --poll-only the API has the port to itself: opened first, so that a port in use stops nothing else.
      const own = webhook ? undefined : await listening(address, () => startApiListener(address.host, address.port, api));
      let service;
      try {
        service = await listening(address, () => startInboundService({
          engine,
          webhook,
          otherRoutes: webhook ? api : undefined,
          pollIntervalMs: pollSeconds * 1000,
          log: (level, message) => (level === 'info' ? context.output.info(message) : context.output.warn(message)),
          onRunFinished: (summary) => {
            const ids = [...new Set(summary.items.map((i) => i.workItemId))];
            context.output.info(runHeadline(`Sync of ${ids.length === 1 ? `work item ${ids[0]}` : `${ids.length} work items`} (${summary.trigger})`, summary));
          },
        }));
      } catch (error) {
        await own?.close();
        throw error;
      }
      const url = localBaseUrl(address.host, own?.port ?? service.receiver?.port ?? address.port);
      // `ado-sync token` cannot write the database this process holds: it asks this process (serveControl.ts).
      let unpublish: (() => Promise<void>) | undefined;
      try {
        // On PostgreSQL `ado-sync token` writes the database itself (several serve processes may share it).
        if (db.kind === 'sqljs') unpublish = await publishControl(path.resolve(context.cwd, settings.dbPath), { pid: process.pid, url, key: adminKey });
        showState(context, 'started', service.state(), url);
        await untilAborted(context.signal);
        context.output.info('Stopping: finishing the item in flight...');
      } finally {
        await unpublish?.();
        await own?.close();
        await service.stop();
      }
      showState(context, 'stopped', service.state(), url);
      return ExitCode.ok;
    });
  },
};
