// Where the real service's behaviour is uncertain, the emulator offers each candidate behind a
// flag so the client can be tested against all of them (ado-behaviour.md). Defaults are the most
// likely behaviour of Azure DevOps Services.
export interface Fidelity {
  /** Status of a chunk that leaves a gap, overlaps part of what was received or comes after completion (§1). */
  scatterStatus: 400 | 500;
  /** Form of the api-version error (§5): with the server's ceiling, or naming only the route. */
  versionError: 'ceiling' | 'route';
  /** Language of the server's messages (§5: the api-version text is translated). */
  language: 'en' | 'de';
  /** 'services' refuses service-hook targets on loopback/private addresses and basic auth over http (§7). */
  deployment: 'services' | 'server';
}

export const DEFAULT_FIDELITY: Fidelity = { scatterStatus: 500, versionError: 'ceiling', language: 'en', deployment: 'server' };

/** The api-version error text in the chosen form and language. */
export function versionOutOfRangeMessage(fidelity: Fidelity, requested: string, max: string, route: string): string {
  if (fidelity.versionError === 'route') {
    return fidelity.language === 'de'
      ? `Die Anforderung entsprach der Route ${route}, aber die angeforderte REST-API-Version ${requested} lag außerhalb des gültigen Versionsbereichs für diese Route.`
      : `The request matched route ${route}, but the requested REST API version ${requested} was outside the valid version range for this route.`;
  }
  return fidelity.language === 'de'
    ? `Die angeforderte REST-API-Version ${requested} liegt außerhalb des gültigen Bereichs für diesen Server. Die neueste REST-API-Version, die dieser Server unterstützt, ist ${max}.`
    : `The requested REST API version of ${requested} is out of range for this server. The latest REST API version this server supports is ${max}.`;
}
