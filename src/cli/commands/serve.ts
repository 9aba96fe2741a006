// `ado-sync serve`: a long-lived process that keeps the mirror folder current. It runs the webhook
// receiver (loopback by default) with the HTTP API beside it on the same port (src/server,
// bearer tokens from `ado-sync token`), and the engine's coordinator, which polls the change feed
// (ATTACHMENT_SYNC_POLL_INTERVAL, 0 = off) and syncs what is dirty; prints the state on start and on
// shutdown, and on SIGINT/SIGTERM lets the items in flight finish, closes the engine and exits 0.
import {
  describeInboundState, startInboundService, WEBHOOK_ENV, WebhookSettingsError, webhookSettingsFromEnv,
  type InboundServiceState, type WebhookSettings,
} from '../../core/webhook';
import { createApiHandler, DEFAULT_RATE_LIMIT_RPM } from '../../server/apiServer';
import type { Command, CommandContext } from '../command';
import { runHeadline, withEngine } from '../engineSession';
import { CliError, ExitCode } from '../exitCodes';
import { optionText, settingsFor } from '../session';

const USAGE = `[--port <n>] [--poll-interval <seconds>] [--poll-only] [--bind <address> --allow-remote] [--api-rate-limit <n>]

  --port <n>                 receiver port (${WEBHOOK_ENV.port}, default 8787; 0 = any free port)
  --poll-interval <seconds>  background sync of all tracked items (ATTACHMENT_SYNC_POLL_INTERVAL,
                             default 300; 0 = off)
  --poll-only                no receiver and no HTTP API: poll only
  --bind <address>           listen on another address than 127.0.0.1; needs --allow-remote too
  --allow-remote             confirms that the receiver may be reached from other machines
  --api-rate-limit <n>       HTTP API requests per minute per token (default ${DEFAULT_RATE_LIMIT_RPM})
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

/**
 * The receiver's settings. Anything but loopback needs --bind and --allow-remote on the command
 * line: an address in the environment alone must not expose the receiver.
 */
export function receiverSettings(context: CommandContext): WebhookSettings {
  let hook: WebhookSettings;
  try {
    hook = webhookSettingsFromEnv(context.env);
  } catch (error) {
    if (error instanceof WebhookSettingsError) throw new CliError(`${error.message} (or run with --poll-only).`);
    throw error;
  }
  const bind = optionText(context.values, 'bind');
  const host = bind ?? hook.host;
  if (!isLoopback(host) && !(bind !== undefined && context.values['allow-remote'] === true)) {
    throw new CliError(`Listening on ${host} would expose the receiver beyond this machine. Confirm with --bind ${host} --allow-remote, or use 127.0.0.1 behind a reverse proxy.`);
  }
  return { ...hook, host, port: integerOption(context, 'port', 0, 65535) ?? hook.port };
}

function warnRemote(context: CommandContext, host: string): void {
  const o = context.output;
  o.warn('**********************************************************************');
  o.warn(`The webhook receiver listens on ${host}: other machines can reach it.`);
  o.warn('Anyone who can reach it and knows the credentials can trigger syncs. Put it behind');
  o.warn('HTTPS (a reverse proxy); Azure DevOps Services sends basic auth only over https.');
  o.warn('**********************************************************************');
}

function showState(context: CommandContext, event: 'started' | 'stopped', state: InboundServiceState): void {
  context.output.result({ event, ...state }, () => [`ado-sync serve ${event}.`, ...describeInboundState(state)].join('\n'));
}

/** A port in use or not allowed is the user's to fix: exit 2 with what to change. */
async function listening<T>(webhook: WebhookSettings | undefined, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (webhook && (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL')) {
      throw new CliError(`The receiver cannot listen on ${webhook.host}:${webhook.port} (${code}). Choose another --port (${WEBHOOK_ENV.port}) or --bind address.`);
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
  },
  async run(context) {
    // Every flag is checked before the network or the database is touched.
    const webhook = context.values['poll-only'] === true ? undefined : receiverSettings(context);
    const pollSeconds = integerOption(context, 'poll-interval', 0, 86_400) ?? settingsFor(context).pollIntervalSeconds;
    const rateLimitRpm = integerOption(context, 'api-rate-limit', 1, 1_000_000);
    if (webhook && !isLoopback(webhook.host)) warnRemote(context, webhook.host);
    return withEngine(context, async ({ engine, db, client, settings }) => {
      if (webhook && (await db.apiTokens.live()).length === 0) context.output.warn('No API token yet: the HTTP API refuses every call but /api/health. Stop, run "ado-sync token create --name <name>", and start again.');
      const api = webhook ? createApiHandler({ engine, store: db, client, settings }, { signal: context.signal, rateLimitRpm, log: (m) => context.output.warn(m) }) : undefined;
      const service = await listening(webhook, () => startInboundService({
        engine,
        webhook,
        otherRoutes: api,
        pollIntervalMs: pollSeconds * 1000,
        log: (level, message) => (level === 'info' ? context.output.info(message) : context.output.warn(message)),
        onRunFinished: (summary) => {
          const ids = [...new Set(summary.items.map((i) => i.workItemId))];
          context.output.info(runHeadline(`Sync of ${ids.length === 1 ? `work item ${ids[0]}` : `${ids.length} work items`} (${summary.trigger})`, summary));
        },
      }));
      // The receiver's socket keeps the process alive; with --poll-only only this does.
      const keepAlive = setInterval(() => undefined, 60 * 60 * 1000);
      try {
        showState(context, 'started', service.state());
        await untilAborted(context.signal);
        context.output.info('Stopping: finishing the item in flight...');
        await service.stop();
      } finally {
        clearInterval(keepAlive);
      }
      showState(context, 'stopped', service.state());
      return ExitCode.ok;
    });
  },
};
