// Proxies. Inside VS Code the editor's own proxy support applies to plain requests, so the
// extension passes no routing. The CLI passes environmentProxyRouting(): per URL, proxy-from-env
// picks the proxy from HTTPS_PROXY / HTTP_PROXY / NO_PROXY (lower case too); http:// targets go
// through an HttpProxyAgent, https:// ones through a CONNECT tunnel (HttpsProxyAgent).
//
// Not proxy-agent: its one keep-alive pool hands a reused proxy connection to a request without
// running the per-protocol agent again, so an http:// request went out with a relative URL and
// no Proxy-Authorization (407). Here each request goes to the agent of its own route, which sets
// both every time. proxy-agent's PAC and SOCKS support (about 1 MB of the CLI bundle) is left out:
// Azure DevOps clients are configured with an explicit HTTP(S) proxy.
import http from 'node:http';
import https from 'node:https';

export interface ProxyRouting {
  /** The agent a request to this URL uses. */
  agent(url: URL): http.Agent;
  /** The proxy a request to this URL goes through, without its credentials (for messages). */
  proxyFor(url: URL): string | undefined;
}

/** A proxy URL as it may be shown: scheme, host and port, never the user or password. */
export function proxyLabel(proxy: string): string {
  try {
    const url = new URL(proxy);
    return `${url.protocol}//${url.host}`;
  } catch {
    return '(an unparsable proxy URL)';
  }
}

/** Routing that honours the proxy environment variables; every agent keeps connections alive. */
export function environmentProxyRouting(): ProxyRouting {
  // Loaded here, not at import: only the CLI routes through proxies, and the extension and the
  // reporting commands load this module too. Literal requires, so that esbuild still bundles them.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { HttpProxyAgent } = require('http-proxy-agent') as typeof import('http-proxy-agent');
  const { HttpsProxyAgent } = require('https-proxy-agent') as typeof import('https-proxy-agent');
  const { getProxyForUrl } = require('proxy-from-env') as typeof import('proxy-from-env');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const direct = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };
  const viaProxy = new Map<string, http.Agent>();
  const proxyOf = (url: URL): string | undefined => getProxyForUrl(url.href) || undefined;
  return {
    agent(url) {
      const proxy = proxyOf(url);
      if (!proxy) return url.protocol === 'https:' ? direct['https:'] : direct['http:'];
      const key = `${url.protocol}${proxy}`;
      let agent = viaProxy.get(key);
      if (!agent) {
        agent = url.protocol === 'https:' ? new HttpsProxyAgent(proxy, { keepAlive: true }) : new HttpProxyAgent(proxy, { keepAlive: true });
        viaProxy.set(key, agent);
      }
      return agent;
    },
    proxyFor(url) {
      const proxy = proxyOf(url);
      return proxy ? proxyLabel(proxy) : undefined;
    },
  };
}
