// The token routes `ado-sync token create|revoke` use while `ado-sync serve` holds the database
// (serveControl.ts). They take the server's admin key, not an API token: an API token never makes
// or revokes tokens. Store calls are awaited: the store may answer asynchronously (PostgreSQL).
import { tokenJson } from '../core/answers/apiTokens';
import { StoreError } from '../core/store';
import { badRequest, HttpError, notFound } from './httpError';
import { readJsonObject } from './requestBody';
import type { Route } from './routes';

const SMALL_BODY = 4096;

export const TOKEN_ROUTES: readonly Route[] = [
  {
    method: 'POST', path: '/api/admin/tokens', auth: true, admin: true, handle: async (c) => {
      const body = await readJsonObject(c.req, SMALL_BODY);
      if (typeof body.name !== 'string') throw badRequest('name is required: the token\'s name');
      const name = body.name;
      if ((await c.deps.store.apiTokens.live()).some((t) => t.name === name)) throw new HttpError(409, 'TOKEN_NAME_TAKEN', `a token named "${name}" exists already; revoke it first or choose another name`);
      let created;
      try {
        created = await c.deps.store.apiTokens.create(name);
      } catch (error) {
        if (error instanceof StoreError) throw badRequest(error.message);
        throw error;
      }
      // On disk at once: a token handed out must survive the server's crash.
      await c.deps.store.flush();
      return { status: 201, body: { token: created.token, ...tokenJson(created.row) } };
    },
  },
  {
    method: 'DELETE', path: '/api/admin/tokens/{name}', auth: true, admin: true, handle: async (c) => {
      const row = await c.deps.store.apiTokens.revoke(c.params.name);
      if (!row) throw notFound(`no live token named (or with id) "${c.params.name}"`);
      await c.deps.store.flush();
      return { body: { revoked: tokenJson(row) } };
    },
  },
];
