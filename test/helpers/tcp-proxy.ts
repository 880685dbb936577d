import net from 'node:net';

/**
 * A TCP proxy in front of a server (Postgres in the fault suite) that can misbehave like a network:
 * - `pass`: bytes flow both ways;
 * - `refuse`: new connections are reset at once (a server that is down);
 * - `blackhole`: new connections are accepted and then hear nothing, and nothing they send arrives (a
 *   partition, as seen from this side);
 * - `silence()`: every connection open now goes silent for good, while staying open (the half-open
 *   connections a partition leaves behind: nothing tells the client they are dead).
 * A partition is `silence()` plus `blackhole`; healing it is `pass`, which leaves the silenced ones half-open.
 */
export type ProxyMode = 'pass' | 'refuse' | 'blackhole';

interface Link {
  client: net.Socket;
  server: net.Socket | undefined;
  silent: boolean;
}

export class TcpProxy {
  mode: ProxyMode = 'pass';
  private readonly links = new Set<Link>();
  private readonly listener = net.createServer((client) => this.accept(client));
  port = 0;
  /** Connections accepted in each mode, to see what the app did. */
  readonly accepted: Record<ProxyMode, number> = { pass: 0, refuse: 0, blackhole: 0 };

  constructor(
    private readonly target: { host: string; port: number },
  ) {}

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.listener.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.listener.address() as net.AddressInfo).port;
    return this;
  }

  /** The target URL with the proxy in its place. */
  urlFor(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  /** Every connection open now stays open but carries nothing more, either way. */
  silence(): number {
    let n = 0;
    for (const link of this.links) {
      if (!link.silent) n++;
      link.silent = true;
    }
    return n;
  }

  /** Connections open through the proxy (silent ones included). */
  get open(): number {
    return this.links.size;
  }

  async stop(): Promise<void> {
    for (const link of this.links) {
      link.client.destroy();
      link.server?.destroy();
    }
    await new Promise<void>((resolve) => this.listener.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    this.accepted[this.mode]++;
    client.on('error', () => undefined);
    if (this.mode === 'refuse') {
      client.resetAndDestroy();
      return;
    }
    const link: Link = { client, server: undefined, silent: this.mode === 'blackhole' };
    this.links.add(link);
    const drop = () => {
      this.links.delete(link);
      client.destroy();
      link.server?.destroy();
    };
    client.on('close', drop);
    if (link.silent) return; // accepted, and never answered
    const server = net.connect(this.target.port, this.target.host);
    link.server = server;
    server.on('error', () => undefined);
    server.on('close', () => {
      // A silenced link stays open on the client's side: nobody tells it the other end went away.
      if (!link.silent) drop();
    });
    client.on('data', (chunk) => {
      if (!link.silent) server.write(chunk);
    });
    server.on('data', (chunk) => {
      if (!link.silent) client.write(chunk);
    });
  }
}
