import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { BearerAuth, PatAuth, redactSecrets } from '../../src/core/ado/auth';

describe('ado: auth strategies', () => {
  it('sends a PAT as Basic with an empty user name', async () => {
    const auth = new PatAuth('abc123pat');
    assert.equal(await auth.header(), `Basic ${Buffer.from(':abc123pat').toString('base64')}`);
  });

  it('never shows the PAT when the strategy is printed or serialised', () => {
    const auth = new PatAuth('abc123pat');
    assert.ok(!JSON.stringify(auth).includes('abc123pat'));
    assert.ok(!inspect(auth, { depth: 5 }).includes('abc123pat'));
  });

  it('asks the provider for a bearer token on every request', async () => {
    let n = 0;
    const auth = new BearerAuth(async () => `token-${++n}`);
    assert.equal(await auth.header(), 'Bearer token-1');
    assert.equal(await auth.header(), 'Bearer token-2');
    assert.deepEqual(auth.secrets(), ['token-2']);
  });

  it('scrubs every secret and its Basic form from text', async () => {
    const auth = new PatAuth('abc123pat');
    const basic = (await auth.header()).slice(6);
    assert.equal(redactSecrets(`token abc123pat and ${basic}`, auth.secrets()), 'token *** and ***');
  });
});
