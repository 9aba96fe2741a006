import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, requireConnection, SettingsError, settingsFromEnv } from '../../src/core/settings';

describe('settings from the environment', () => {
  it('uses the defaults of seed 000 when nothing is set', () => {
    const settings = settingsFromEnv({});
    assert.deepEqual(settings, DEFAULT_SETTINGS);
    assert.equal(settings.chunkSize, 5_242_880);
    assert.equal(settings.maxFileSize, 524_288_000);
    assert.equal(settings.uploadMaxRetries, 3);
    assert.equal(settings.requestTimeoutMs, 60_000);
  });

  it('reads the seed names', () => {
    const settings = settingsFromEnv({
      AZDO_ORG_URL: 'https://dev.azure.com/fabrikam',
      AZDO_PROJECT: 'Fabrikam Fiber',
      ATTACHMENT_CHUNK_SIZE: '1048576',
      ATTACHMENT_SYNC_RATE_LIMIT_RPM: '120',
      ATTACHMENT_SYNC_API_VERSION: '5.0',
      AZDO_API_VERSION: '7.1',
    });
    assert.equal(settings.orgUrl, 'https://dev.azure.com/fabrikam');
    assert.equal(settings.project, 'Fabrikam Fiber');
    assert.equal(settings.chunkSize, 1_048_576);
    assert.equal(settings.rateLimitRpm, 120);
    assert.equal(settings.apiVersion, '5.0');
  });

  it('names the variable and the accepted range in errors', () => {
    assert.throws(() => settingsFromEnv({ ATTACHMENT_CHUNK_SIZE: '5MB' }), (error: unknown) =>
      error instanceof SettingsError && /ATTACHMENT_CHUNK_SIZE must be a whole number between 65536 and/.test(error.message));
    assert.throws(() => settingsFromEnv({ AZDO_API_VERSION: '8.0' }), /AZDO_API_VERSION must be one of auto, 7.1/);
    assert.throws(() => settingsFromEnv({ ATTACHMENT_SYNC_MAX_DELETE_SHARE: '2' }), /between 0 and 1/);
  });

  it('says which connection settings are missing', () => {
    assert.throws(() => requireConnection(settingsFromEnv({ AZDO_PROJECT: 'Demo' })), /--org-url or AZDO_ORG_URL/);
    assert.doesNotThrow(() => requireConnection(settingsFromEnv({ AZDO_PROJECT: 'Demo', AZDO_ORG_URL: 'http://127.0.0.1:8090/DefaultCollection' })));
  });
});
