import type { AddressInfo } from 'node:net';
import WebSocket, { Server } from 'ws';

/**
 * A stand-in for Slack's Socket Mode endpoint: greets each connection with `hello`, sends envelopes, and
 * resolves when the app acknowledges one (with its response payload, if any).
 */
export class FakeSocketMode {
  private server!: Server;
  private readonly sockets = new Set<WebSocket>();
  private readonly acks = new Map<string, (msg: Record<string, any>) => void>();
  private connected!: Promise<void>;

  async start(): Promise<this> {
    this.server = new Server({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => this.server.once('listening', () => r()));
    this.connected = new Promise((resolve) => {
      this.server.on('connection', (ws) => {
        this.sockets.add(ws);
        ws.on('close', () => this.sockets.delete(ws));
        ws.on('message', (data) => {
          const msg = JSON.parse(String(data));
          this.acks.get(msg.envelope_id)?.(msg);
        });
        ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0KUDOS' } }));
        resolve();
      });
    });
    return this;
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/link/?ticket=test`;
  }

  whenConnected(): Promise<void> {
    return this.connected;
  }

  /** Sends one envelope and resolves with the app's acknowledgement. */
  send(envelope: { envelope_id: string; type: string; payload: unknown; accepts_response_payload?: boolean; retry_attempt?: number }): Promise<Record<string, any>> {
    const acked = new Promise<Record<string, any>>((resolve) => this.acks.set(envelope.envelope_id, resolve));
    for (const ws of this.sockets) ws.send(JSON.stringify(envelope));
    return acked;
  }

  async stop(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
