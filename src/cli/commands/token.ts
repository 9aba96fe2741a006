// `ado-sync token create|list|revoke`: the bearer tokens that `ado-sync serve`'s HTTP API accepts.
// Only a hash of each token is stored: `create` shows the token once. The server reads the tokens
// when it starts, and the database takes one writer, so manage tokens while `serve` is stopped.
import { StoreError, type ApiTokenRow } from '../../core/store';
import type { Command, CommandContext } from '../command';
import { CliError, ExitCode, type ExitCodeValue } from '../exitCodes';
import { closeDb, dbFor, optionText, settingsFor, type DbSession } from '../session';
import { table } from '../table';

const ACTIONS = ['create', 'list', 'revoke'] as const;
type Action = (typeof ACTIONS)[number];

const USAGE = `create --name <name> | list | revoke <name|id>

  create --name <name>   a new token for the HTTP API of "ado-sync serve" (shown once; only its
                         hash is stored). Callers send it as "Authorization: Bearer <token>".
  list                   the tokens, live and revoked (never the tokens themselves)
  revoke <name|id>       the token stops working when "serve" next starts
Tokens are read when "serve" starts: run these while it is stopped.`;

function tokenJson(t: ApiTokenRow) {
  return { id: t.id, name: t.name, createdAt: t.createdAt, lastUsedAt: t.lastUsedAt, revokedAt: t.revokedAt };
}

async function create(context: CommandContext, { db }: DbSession): Promise<ExitCodeValue> {
  const name = optionText(context.values, 'name');
  if (!name || context.positionals.length > 1) throw new CliError('token create takes --name <name> and no other argument.');
  let created;
  try {
    created = await db.apiTokens.create(name);
  } catch (error) {
    if (error instanceof StoreError) throw new CliError(`${error.message}.`);
    throw error;
  }
  const { row, token } = created;
  context.output.result({ token, ...tokenJson(row) },
    () => `Token "${row.name}" created. It is shown only this once; keep it secret:\n\n${token}\n\nCallers send it as "Authorization: Bearer <token>".`);
  return ExitCode.ok;
}

async function list(context: CommandContext, { db }: DbSession): Promise<ExitCodeValue> {
  const tokens = (await db.apiTokens.list()).map(tokenJson);
  context.output.result({ tokens }, () => (tokens.length === 0
    ? 'No API tokens. Create one with "ado-sync token create --name <name>".'
    : table(['ID', 'NAME', 'CREATED', 'REVOKED'], tokens.map((t) => [String(t.id), t.name, t.createdAt, t.revokedAt ?? '']))));
  return ExitCode.ok;
}

async function revoke(context: CommandContext, { db }: DbSession): Promise<ExitCodeValue> {
  const target = context.positionals[1];
  if (!target || context.positionals.length > 2) throw new CliError('token revoke takes one token name or id.');
  const row = await db.apiTokens.revoke(target);
  if (!row) throw new CliError(`No live token named (or with id) "${target}". See "ado-sync token list".`, ExitCode.itemFailed);
  context.output.result({ revoked: tokenJson(row) }, () => `Token "${row.name}" revoked.`);
  return ExitCode.ok;
}

const RUN: Record<Action, (context: CommandContext, session: DbSession) => Promise<ExitCodeValue>> = { create, list, revoke };

export const tokenCommand: Command = {
  name: 'token',
  summary: 'Create, list or revoke the bearer tokens of the HTTP API that `ado-sync serve` offers.',
  usage: USAGE,
  options: { name: { type: 'string' } },
  async run(context) {
    const action = context.positionals[0] as Action;
    if (!ACTIONS.includes(action)) throw new CliError(`expected one of ${ACTIONS.join(', ')}; got "${context.positionals.join(' ')}".`);
    const settings = settingsFor(context);
    const db = await dbFor(context, settings, action === 'list');
    try {
      return await RUN[action](context, { settings, db });
    } finally {
      await closeDb(db);
    }
  },
};
