// `ado-sync token create|list|revoke`: the bearer tokens that `ado-sync serve`'s HTTP API accepts.
// Only a hash of each token is stored: `create` shows the token once. While `serve` runs it holds
// the database (sql.js: one writer, kept in memory), so create and revoke go through it: it
// publishes its URL and an admin key beside the database (server/serveControl.ts), and the change
// takes effect at once. Otherwise they write the database directly.
import path from 'node:path';
import { existsSync } from 'node:fs';
import { tokenJson, type TokenJson } from '../../core/answers/apiTokens';
import { StoreError } from '../../core/store';
import { controlFilePath, runningServe, type ServeControl } from '../../server/serveControl';
import type { Command, CommandContext } from '../command';
import { CliError, ExitCode, type ExitCodeValue } from '../exitCodes';
import { closeDb, databaseUrlFor, dbFor, optionText, settingsFor, type DbSession } from '../session';
import { table } from '../table';

const ACTIONS = ['create', 'list', 'revoke'] as const;
type Action = (typeof ACTIONS)[number];

const USAGE = `create --name <name> | list | revoke <name|id>

  create --name <name>   a new token for the HTTP API of "ado-sync serve" (shown once; only its
                         hash is stored). Callers send it as "Authorization: Bearer <token>".
  list                   the tokens, live and revoked (never the tokens themselves)
  revoke <name|id>       the token stops working at once
While "serve" runs, create and revoke are carried out by it (it holds the database).`;

/** What create or revoke changes: the request, whichever process carries it out. */
type Change = { action: 'create'; name: string } | { action: 'revoke'; target: string };

function changeOf(context: CommandContext, action: 'create' | 'revoke'): Change {
  if (action === 'create') {
    const name = optionText(context.values, 'name');
    if (!name || context.positionals.length > 1) throw new CliError('token create takes --name <name> and no other argument.');
    return { action, name };
  }
  const target = context.positionals[1];
  if (!target || context.positionals.length > 2) throw new CliError('token revoke takes one token name or id.');
  return { action, target };
}

function notLive(target: string): CliError {
  return new CliError(`No live token named (or with id) "${target}". See "ado-sync token list".`, ExitCode.itemFailed);
}

function showCreated(context: CommandContext, token: string, row: TokenJson): ExitCodeValue {
  context.output.result({ token, ...row },
    () => `Token "${row.name}" created. It is shown only this once; keep it secret:\n\n${token}\n\nCallers send it as "Authorization: Bearer <token>".`);
  return ExitCode.ok;
}

function showRevoked(context: CommandContext, row: TokenJson): ExitCodeValue {
  context.output.result({ revoked: row }, () => `Token "${row.name}" revoked.`);
  return ExitCode.ok;
}

async function applyToStore(context: CommandContext, { db }: DbSession, change: Change): Promise<ExitCodeValue> {
  if (change.action === 'revoke') {
    const row = await db.apiTokens.revoke(change.target);
    if (!row) throw notLive(change.target);
    return showRevoked(context, tokenJson(row));
  }
  try {
    const { row, token } = await db.apiTokens.create(change.name);
    return showCreated(context, token, tokenJson(row));
  } catch (error) {
    if (error instanceof StoreError) throw new CliError(`${error.message}.`);
    throw error;
  }
}

/** The change carried out by the running server; undefined when it does not answer (gone since it wrote its file). */
async function applyThroughServe(context: CommandContext, serve: ServeControl, change: Change, controlFile: string): Promise<ExitCodeValue | undefined> {
  const route = change.action === 'create' ? '/api/admin/tokens' : `/api/admin/tokens/${encodeURIComponent(change.target)}`;
  let res: Response;
  try {
    res = await fetch(`${serve.url}${route}`, {
      method: change.action === 'create' ? 'POST' : 'DELETE',
      headers: { authorization: `Bearer ${serve.key}`, 'content-type': 'application/json' },
      body: change.action === 'create' ? JSON.stringify({ name: change.name }) : undefined,
      signal: context.signal,
    });
  } catch {
    return undefined;
  }
  const body = (await res.json().catch(() => ({}))) as { token?: string; revoked?: TokenJson; error?: { message: string } } & Partial<TokenJson>;
  if (res.ok && change.action === 'create' && body.token) return showCreated(context, body.token, tokenJson(body as TokenJson));
  if (res.ok && body.revoked) return showRevoked(context, body.revoked);
  if (res.status === 404 && change.action === 'revoke') throw notLive(change.target);
  const why = body.error?.message ?? `HTTP ${res.status}`;
  if (res.status === 401) {
    throw new CliError(`"ado-sync serve" (pid ${serve.pid}, ${serve.url}) refused the admin key in ${controlFile}: ${why}. Stop serve, run this again, and start serve.`, ExitCode.itemFailed);
  }
  throw new CliError(`"ado-sync serve" (pid ${serve.pid}) refused: ${why}.`, res.status >= 500 ? ExitCode.itemFailed : ExitCode.usage);
}

async function applyChange(context: CommandContext, session: Omit<DbSession, 'db'>, change: Change): Promise<ExitCodeValue> {
  const dbPath = path.resolve(context.cwd, session.settings.dbPath);
  // PostgreSQL takes every process's writes (serve reads tokens there); the sql.js file is serve's alone.
  const serve = databaseUrlFor(context) === undefined ? await runningServe(dbPath) : undefined;
  if (serve) {
    const done = await applyThroughServe(context, serve, change, controlFilePath(dbPath));
    if (done !== undefined) return done;
  }
  let db;
  try {
    db = await dbFor(context, session.settings);
  } catch (error) {
    // Held by a process that takes no token commands (serve --poll-only, a sync, the extension).
    if (error instanceof CliError && existsSync(`${dbPath}.lock`)) {
      throw new CliError(`${error.message.replace(/\.$/, '')}. Tokens are written by the process that holds the database: if that is "ado-sync serve" without its HTTP API, stop it, run "ado-sync token ${change.action}" and start it again.`, error.exitCode);
    }
    throw error;
  }
  try {
    return await applyToStore(context, { ...session, db }, change);
  } finally {
    await closeDb(db);
  }
}

async function list(context: CommandContext, { db }: DbSession): Promise<ExitCodeValue> {
  const tokens = (await db.apiTokens.list()).map(tokenJson);
  context.output.result({ tokens }, () => (tokens.length === 0
    ? 'No API tokens. Create one with "ado-sync token create --name <name>".'
    : table(['ID', 'NAME', 'CREATED', 'REVOKED'], tokens.map((t) => [String(t.id), t.name, t.createdAt, t.revokedAt ?? '']))));
  return ExitCode.ok;
}

export const tokenCommand: Command = {
  name: 'token',
  summary: 'Create, list or revoke the bearer tokens of the HTTP API that `ado-sync serve` offers.',
  usage: USAGE,
  options: { name: { type: 'string' } },
  async run(context) {
    const action = context.positionals[0] as Action;
    if (!ACTIONS.includes(action)) throw new CliError(`expected one of ${ACTIONS.join(', ')}; got "${context.positionals.join(' ')}".`);
    const settings = settingsFor(context);
    if (action !== 'list') return applyChange(context, { settings }, changeOf(context, action));
    // Reading takes no lock: list works beside a running serve, which saves each token change at once.
    const db = await dbFor(context, settings, true);
    try {
      return await list(context, { settings, db });
    } finally {
      await closeDb(db);
    }
  },
};
