import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';
import type { ProxyConfig } from '../config';

/**
 * Outbound HTTP for the Slack side: one way to make the undici dispatcher every client uses, so a self-hoster
 * behind a corporate proxy sets HTTPS_PROXY / HTTP_PROXY / NO_PROXY once (read in config.ts) and every call
 * follows it. An https:// target goes through the proxy with CONNECT (TLS stays end to end); an http:// target
 * is sent to the proxy as an absolute-URI request (`POST http://host/path`). NO_PROXY names hosts reached directly, compared as written:
 * `127.0.0.1` does not cover `localhost`, and a name covers its subdomains (`example.com` → `api.example.com`).
 */

export interface DispatcherOptions {
  keepAliveTimeout?: number;
  headersTimeout?: number;
  bodyTimeout?: number;
}

/** A proxy agent when a proxy is configured, a plain keep-alive agent otherwise; the same timeouts either way. */
export function createDispatcher(proxy: ProxyConfig | undefined, opts: DispatcherOptions = {}): Dispatcher {
  if (!proxy || (!proxy.httpsProxy && !proxy.httpProxy)) return new Agent(opts);
  // Every setting is passed explicitly (an empty string for "none"), so undici never reads the environment itself.
  return new EnvHttpProxyAgent({
    ...opts,
    // A plain-http target is sent to the proxy as an absolute-URI request, as proxies expect (many allow
    // CONNECT only to port 443); https targets are tunnelled with CONNECT either way.
    proxyTunnel: false,
    httpProxy: proxy.httpProxy ?? '',
    httpsProxy: proxy.httpsProxy ?? proxy.httpProxy ?? '',
    noProxy: proxy.noProxy ?? '',
  });
}
