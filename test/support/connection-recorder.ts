import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP server that records every connection made to it (HTTP, TLS, SSH or git alike) and
 * answers none: stands in for an internal address a request must never reach.
 */
export class ConnectionRecorder {
  readonly connections: { firstBytes: string }[] = [];
  private readonly sockets = new Set<Socket>();
  private server?: Server;
  port = 0;

  async start(): Promise<number> {
    this.server = createServer(socket => {
      const record = { firstBytes: '' };
      this.connections.push(record);
      this.sockets.add(socket);
      socket.on('data', chunk => (record.firstBytes ||= chunk.toString('latin1').slice(0, 200)));
      socket.on('error', () => undefined);
      socket.on('close', () => this.sockets.delete(socket));
      setTimeout(() => socket.destroy(), 500);
    });
    await new Promise<void>(resolve => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this.port;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>(resolve => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
