// Service-hook subscriptions against both deployments: Services refuses loopback/private targets
// and basic auth over http with a 400 the client surfaces with the service's reason; a Server on
// the LAN takes them (ado-behaviour.md §7).
import assert from 'node:assert/strict';
import { BadRequestError, webHookSubscription } from '../../src/core/ado';
import { clientFor, useLiveEmulator } from './support';

for (const deployment of ['services', 'server'] as const) {
  describe(`ado client live: service-hook subscriptions on ${deployment}`, function () {
    this.timeout(20_000);
    const live = useLiveEmulator({ fidelity: { deployment } });

    it(deployment === 'services' ? 'a loopback target and basic auth over http are refused with the reason' : 'a LAN target with basic auth over http is accepted', async () => {
      const client = clientFor(live.emulator);
      const projectId = (await client.getProject('Demo')).id;
      const loopback = webHookSubscription({ eventType: 'workitem.updated', projectId, url: 'http://127.0.0.1:8787/api/webhooks/workitem', basicAuth: { username: 'u', password: 'p' } });
      const clearText = webHookSubscription({ eventType: 'workitem.updated', projectId, url: 'http://hooks.example.com/api/webhooks/workitem', basicAuth: { username: 'u', password: 'p' } });
      if (deployment === 'services') {
        await assert.rejects(client.createSubscription(loopback), (error: unknown) => error instanceof BadRequestError && /localhost or to private/.test(error.message));
        await assert.rejects(client.createSubscription(clearText), (error: unknown) => error instanceof BadRequestError && /HTTPS/.test(error.message));
        const ok = await client.createSubscription(webHookSubscription({ eventType: 'workitem.updated', projectId, url: 'https://hooks.example.com/api/webhooks/workitem', basicAuth: { username: 'u', password: 'p' } }));
        assert.equal(ok.status, 'enabled');
      } else {
        assert.equal((await client.createSubscription(loopback)).status, 'enabled');
        assert.equal((await client.createSubscription(clearText)).status, 'enabled');
      }
    });
  });
}
