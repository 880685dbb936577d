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

let configured: ProxyConfig | undefined;
let shared: Dispatcher | undefined;

/**
 * Sets the proxy for this process's outbound calls (Config.proxy), at start-up. Clients with a dispatcher of
 * their own (SlackApi) take it from here when they are made; one-off requests use `sharedDispatcher()`.
 */
export function useOutboundProxy(proxy: ProxyConfig | undefined): void {
  if (proxy === configured) return;
  configured = proxy;
  const old = shared;
  shared = undefined;
  void old?.close().catch(() => undefined);
}

/** The proxy set with useOutboundProxy; undefined: direct. */
export function outboundProxy(): ProxyConfig | undefined {
  return configured;
}

/** A process-wide dispatcher for one-off requests (a response_url post), following the configured proxy. */
export function sharedDispatcher(): Dispatcher {
  return (shared ??= createDispatcher(configured, { keepAliveTimeout: 30_000, headersTimeout: 10_000, bodyTimeout: 10_000 }));
}
