// `ado-sync webhook register|list|unregister`: the service-hook subscriptions that make Azure
// DevOps call `ado-sync serve` when a work item changes. The public URL comes from --public-url or
// ADO_SYNC_WEBHOOK_PUBLIC_URL; the credentials the service sends come from the environment only
// (ADO_SYNC_WEBHOOK_USERNAME / _PASSWORD, ADO_SYNC_WEBHOOK_SECRET), never from flags.
import { PermissionError } from '../../core/ado';
import {
  listWebhooks, registerWebhook, unregisterWebhooks, WEBHOOK_ENV, WebhookRegistrationError, WebhookSettingsError,
  webhookSettingsFromEnv, type WebhookSubscriptionView,
} from '../../core/webhook';
import type { Command, CommandContext } from '../command';
import { didYouMean } from '../commandLine';
import { CliError, ExitCode, type ExitCodeValue } from '../exitCodes';
import { optionText, withClient, type ClientSession } from '../session';
import { table } from '../table';

const ACTIONS = ['register', 'list', 'unregister'] as const;
type Action = (typeof ACTIONS)[number];

const USAGE = `register|list|unregister [--public-url <url>] [--id <subscriptionId>...]

  register     subscribe the receiver's public URL to workitem.created and workitem.updated
               of the project (only the missing ones: registering twice is harmless)
  list         our subscriptions as the service has them (and records it lost)
  unregister   delete our subscriptions for the URL (or those given with --id)

  --public-url <url>   the URL Azure DevOps calls (${WEBHOOK_ENV.publicUrl})
  --id <id>            with unregister: only these subscriptions
Credentials the service sends, from the environment only: ${WEBHOOK_ENV.username} and
${WEBHOOK_ENV.password} (basic auth, https only on Azure DevOps Services), ${WEBHOOK_ENV.secret}
(sent as the x-webhook-signature header). Managing subscriptions needs the "Edit subscription"
permission (project or collection administrators). On the sql.js file, register and unregister
write the state database, so run them while \`ado-sync serve\` is stopped (list works beside it);
on PostgreSQL (--database-url or ADO_SYNC_DATABASE_URL) each of them works beside it.`;

function publicUrlOf(context: CommandContext): string | undefined {
  return optionText(context.values, 'public-url') ?? (context.env[WEBHOOK_ENV.publicUrl]?.trim() || undefined);
}

/** The service's own words when it refuses, plus what to do about it. */
async function hookErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof PermissionError) {
      throw new CliError(`Azure DevOps refused to change service hook subscriptions (403): ${error.serverMessage ?? error.message} `
        + 'Managing service hooks needs the "Edit subscription" permission (project or collection administrators); without webhooks, `ado-sync serve` still syncs by polling.', ExitCode.usage);
    }
    if (error instanceof WebhookRegistrationError || error instanceof WebhookSettingsError) throw new CliError(error.message);
    throw error;
  }
}

function subscriptionsTable(subs: readonly WebhookSubscriptionView[]): string {
  if (subs.length === 0) return 'No webhook subscriptions of ours.';
  return table(['ID', 'EVENT', 'STATUS', 'URL'], subs.map((s) => [s.id, s.eventType, s.status, s.url]));
}

async function register(context: CommandContext, { client, settings, db }: ClientSession): Promise<ExitCodeValue> {
  const publicUrl = publicUrlOf(context);
  const hook = webhookSettingsFromEnv({ ...context.env, [WEBHOOK_ENV.publicUrl]: publicUrl });
  const project = await client.getProject(settings.project);
  const result = await registerWebhook(client, { id: project.id, name: project.name }, hook, db.webhooks);
  for (const w of result.warnings) context.output.warn(w);
  context.output.result(result, () => [
    `Registered ${result.created.length} new, kept ${result.existing.length} existing subscription(s) for ${hook.publicUrl ?? ''}.`,
    subscriptionsTable([...result.created, ...result.existing]),
  ].join('\n'));
  return ExitCode.ok;
}

async function list(context: CommandContext, { client, db }: ClientSession): Promise<ExitCodeValue> {
  const subscriptions = await listWebhooks(client, publicUrlOf(context), await db.webhooks.list());
  context.output.result({ subscriptions }, () => subscriptionsTable(subscriptions));
  return ExitCode.ok;
}

async function unregister(context: CommandContext, { client, db }: ClientSession): Promise<ExitCodeValue> {
  const given = context.values.id;
  const ids = Array.isArray(given) ? given.map(String) : typeof given === 'string' ? [given] : undefined;
  const publicUrl = publicUrlOf(context);
  if (!ids && !publicUrl) throw new CliError(`Say which subscriptions to remove: --public-url (or ${WEBHOOK_ENV.publicUrl}) or --id.`);
  const targets = ids ?? (await listWebhooks(client, publicUrl, await db.webhooks.list())).map((s) => s.id);
  const removed = await unregisterWebhooks(client, targets, db.webhooks);
  context.output.result({ removed }, () => (removed.length ? `Removed ${removed.length} subscription(s): ${removed.join(', ')}` : 'Nothing to remove.'));
  return ExitCode.ok;
}

const RUN: Record<Action, (context: CommandContext, session: ClientSession) => Promise<ExitCodeValue>> = { register, list, unregister };

export const webhookCommand: Command = {
  name: 'webhook',
  summary: 'Register, list or unregister the Azure DevOps service hooks that call `ado-sync serve`.',
  usage: USAGE,
  options: {
    'public-url': { type: 'string' },
    id: { type: 'string', multiple: true },
  },
  async run(context) {
    const [action, ...extra] = context.positionals;
    if (!ACTIONS.includes(action as Action) || extra.length > 0) {
      throw new CliError(`expected one of ${ACTIONS.join(', ')}; got "${context.positionals.join(' ')}"${action && extra.length === 0 ? didYouMean(action, ACTIONS) : ''}.`);
    }
    // list only reads our records, so it works beside a running `serve` on the sql.js file; the others write them.
    return withClient(context, (session) => hookErrors(() => RUN[action as Action](context, session)), { readOnly: action === 'list' });
  },
};
