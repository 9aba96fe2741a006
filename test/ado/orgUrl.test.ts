import assert from 'node:assert/strict';
import { OrgUrlError, parseOrgUrl } from '../../src/core/ado/orgUrl';

describe('ado: organization and collection URLs', () => {
  it('normalises Services URLs (dev.azure.com and visualstudio.com)', () => {
    const modern = parseOrgUrl('https://dev.azure.com/Fabrikam/');
    assert.equal(modern.baseUrl, 'https://dev.azure.com/Fabrikam');
    assert.equal(modern.kind, 'services');
    assert.equal(modern.collection, 'Fabrikam');
    assert.deepEqual(modern.warnings, []);

    const legacy = parseOrgUrl('https://fabrikam.visualstudio.com');
    assert.equal(legacy.baseUrl, 'https://fabrikam.visualstudio.com');
    assert.equal(legacy.kind, 'services');
    assert.equal(legacy.collection, 'fabrikam');
    assert.equal(parseOrgUrl('https://fabrikam.visualstudio.com/DefaultCollection').baseUrl, 'https://fabrikam.visualstudio.com/DefaultCollection');
  });

  it('adds https when the scheme is missing and drops a pasted project or route with a warning', () => {
    const parsed = parseOrgUrl('dev.azure.com/fabrikam/Fiber/_workitems/edit/12');
    assert.equal(parsed.baseUrl, 'https://dev.azure.com/fabrikam');
    assert.equal(parsed.warnings.length, 2);
  });

  it('keeps Server collection URLs as given, with /tfs or without, on any port', () => {
    const tfs = parseOrgUrl('https://tfs.corp.example:8443/tfs/DefaultCollection');
    assert.equal(tfs.baseUrl, 'https://tfs.corp.example:8443/tfs/DefaultCollection');
    assert.equal(tfs.kind, 'server');
    assert.equal(tfs.collection, 'DefaultCollection');
    const bare = parseOrgUrl('https://ado.corp.example/Main%20Collection');
    assert.equal(bare.baseUrl, 'https://ado.corp.example/Main%20Collection');
    assert.equal(bare.collection, 'Main Collection');
    assert.deepEqual(bare.warnings, []);
  });

  it('says what it assumed when a Server URL has more segments than a collection', () => {
    const parsed = parseOrgUrl('https://ado.corp.example/DefaultCollection/Demo');
    assert.equal(parsed.baseUrl, 'https://ado.corp.example/DefaultCollection/Demo');
    assert.match(parsed.warnings.join(' '), /"Demo" is a project/);
  });

  it('allows http on loopback silently and elsewhere only with a warning', () => {
    const local = parseOrgUrl('http://127.0.0.1:8090/DefaultCollection');
    assert.equal(local.isLoopback, true);
    assert.equal(local.insecure, true);
    assert.deepEqual(local.warnings, []);
    assert.equal(parseOrgUrl('http://localhost:8080/tfs/X').warnings.length, 0);
    assert.equal(parseOrgUrl('http://[::1]:8080/X').isLoopback, true);
    const remote = parseOrgUrl('http://tfs.corp.example:8080/tfs/DefaultCollection');
    assert.equal(remote.isLoopback, false);
    assert.match(remote.warnings.join(' '), /unencrypted/);
  });

  it('refuses http for Services, credentials in the URL, query strings and missing collections', () => {
    assert.throws(() => parseOrgUrl('http://dev.azure.com/fabrikam'), OrgUrlError);
    assert.throws(() => parseOrgUrl('https://user:secret@dev.azure.com/fabrikam'), (error: Error) => error instanceof OrgUrlError && !error.message.includes('secret'));
    assert.throws(() => parseOrgUrl('https://dev.azure.com/fabrikam?x=1'), OrgUrlError);
    assert.throws(() => parseOrgUrl('https://dev.azure.com/'), /organization/);
    assert.throws(() => parseOrgUrl('https://tfs.example/tfs'), /collection after \/tfs/);
    assert.throws(() => parseOrgUrl('https://tfs.example/'), /collection/);
    assert.throws(() => parseOrgUrl('ftp://tfs.example/X'), /https/);
    assert.throws(() => parseOrgUrl('  '), /empty/);
  });
});
