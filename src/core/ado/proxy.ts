// Proxies. Inside VS Code the editor's own proxy support applies to plain requests, so the
// extension passes no agent. The CLI passes this one: proxy-agent reads HTTPS_PROXY, HTTP_PROXY
// and NO_PROXY (through proxy-from-env) for each URL.
import type { Agent } from 'node:http';
import { ProxyAgent } from 'proxy-agent';
import type { AgentFactory } from './httpTransport';

/** An agent factory honouring the proxy environment variables; keeps connections alive. */
export function environmentProxyAgent(): AgentFactory {
  const agent: Agent = new ProxyAgent({ keepAlive: true });
  return () => agent;
}
