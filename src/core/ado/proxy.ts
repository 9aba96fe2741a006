// Proxies. Inside VS Code the editor's own proxy support applies to plain requests, so the
// extension passes no agent. The CLI passes this one: proxy-agent reads HTTPS_PROXY, HTTP_PROXY
// and NO_PROXY (through proxy-from-env) for each URL.
import type { Agent } from 'node:http';
import type { AgentFactory } from './httpTransport';

/** An agent factory honouring the proxy environment variables; keeps connections alive. */
export function environmentProxyAgent(): AgentFactory {
  // Loaded here, not at import: proxy-agent and its protocol agents add ~7 MB to every process
  // that loads the client (measured), and only the CLI uses them. A literal require so that
  // esbuild still bundles it (its CommonJS wrapper runs on first call).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ProxyAgent } = require('proxy-agent') as typeof import('proxy-agent');
  const agent: Agent = new ProxyAgent({ keepAlive: true });
  return () => agent;
}
