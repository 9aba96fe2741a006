import assert from 'node:assert/strict';
import { ApiVersionNegotiator, highestSupportedUpTo } from '../../src/core/ado/apiVersion';
import { ApiVersionError, ServerError } from '../../src/core/ado/errors';

function ceilingError(max: string): ApiVersionError {
  return new ApiVersionError('too new', { status: 400, supportedMax: max });
}

/** A pretend server that supports versions up to `max`, recording what it was asked. */
function server(max: string) {
  const asked: string[] = [];
  const send = async (version: string) => {
    asked.push(version);
    await new Promise((resolve) => setImmediate(resolve));
    if (Number(version) > Number(max)) throw ceilingError(max);
    return `ok ${version}`;
  };
  return { asked, send };
}

describe('ado: api-version negotiation', () => {
  it('picks the highest version we speak at or below the server ceiling', () => {
    assert.equal(highestSupportedUpTo('7.2'), '7.1');
    assert.equal(highestSupportedUpTo('6.1'), '6.0');
    assert.equal(highestSupportedUpTo('5.0'), '5.0');
    assert.equal(highestSupportedUpTo('4.1'), undefined);
  });

  it('sends a fixed version as is, and surfaces the server ceiling error', async () => {
    const negotiator = new ApiVersionNegotiator('7.0');
    const { asked, send } = server('5.0');
    await assert.rejects(negotiator.run(send), ApiVersionError);
    assert.deepEqual(asked, ['7.0']);
  });

  it('in auto mode asks 7.1 once, falls back to what the server said, and remembers it', async () => {
    const logs: string[] = [];
    const negotiator = new ApiVersionNegotiator('auto', (m) => logs.push(m));
    const { asked, send } = server('5.0');
    assert.equal(await negotiator.run(send), 'ok 5.0');
    assert.equal(negotiator.current, '5.0');
    assert.equal(await negotiator.run(send), 'ok 5.0');
    assert.deepEqual(asked, ['7.1', '5.0', '5.0']);
    assert.equal(logs.length, 1);
  });

  it('makes concurrent first requests wait for the one probe', async () => {
    const negotiator = new ApiVersionNegotiator('auto');
    const { asked, send } = server('6.0');
    const results = await Promise.all([1, 2, 3, 4].map(() => negotiator.run(send)));
    assert.deepEqual(results, ['ok 6.0', 'ok 6.0', 'ok 6.0', 'ok 6.0']);
    assert.deepEqual(asked, ['7.1', '6.0', '6.0', '6.0', '6.0']);
  });

  it('stays undecided when the probe fails for another reason, and refuses servers older than 5.0', async () => {
    const negotiator = new ApiVersionNegotiator('auto');
    await assert.rejects(negotiator.run(async () => { throw new ServerError('down', { status: 503 }); }), ServerError);
    assert.equal(negotiator.current, undefined);
    assert.equal(await negotiator.run(async (v) => v), '7.1');

    const old = new ApiVersionNegotiator('auto');
    await assert.rejects(old.run(server('4.1').send), /up to 4\.1.*needs 5\.0/);
  });
});
