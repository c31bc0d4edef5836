import * as net from 'node:net';
import * as tls from 'node:tls';
import type { Logger } from '../../src/plugin';
import { octetCounted } from './rfc5424';
import type { SyslogSender } from './syslog-sender';

export interface StreamSenderOptions {
  host: string;
  port: number;
  /** Present for TLS (RFC 5425); absent for plain TCP. */
  tls?: tls.ConnectionOptions;
  maxQueue: number;
  connectTimeoutMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  logger: Logger;
}

/**
 * Syslog over TCP or TLS with octet-counted framing (RFC 6587 / RFC 5425). Messages wait in a
 * bounded queue while the server is unreachable; the oldest are dropped (and counted) when it
 * is full, so memory stays bounded and the newest events, which tell how the run ends, survive.
 * Reconnects with exponential backoff. Nothing here ever blocks the caller.
 */
export class StreamSyslogSender implements SyslogSender {
  private readonly queue: Buffer[] = [];
  private socket: net.Socket | undefined;
  private connected = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private backoffMs: number;
  private droppedCount = 0;
  private outage = false;
  private waiters: (() => void)[] = [];

  constructor(private readonly opts: StreamSenderOptions) {
    this.backoffMs = opts.reconnectMinMs;
  }

  send(message: string): void {
    if (this.queue.length >= this.opts.maxQueue) {
      this.queue.shift();
      this.droppedCount++;
    }
    this.queue.push(octetCounted(message));
    this.pump();
  }

  dropped(): number {
    return this.droppedCount;
  }

  async flush(timeoutMs: number): Promise<number> {
    // Do not wait out a long backoff: try now.
    if (this.reconnectTimer) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = undefined;
      this.connect();
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.drained(),
      new Promise<void>((resolve) => { timer = setTimeout(resolve, timeoutMs); }),
    ]);
    clearTimeout(timer);
    if (this.queue.length > 0) {
      this.droppedCount += this.queue.length;
      this.queue.length = 0;
    }
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    await this.close();
    return this.droppedCount;
  }

  /** Resolves when the queue is empty and the socket has handed everything to the kernel. */
  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.queue.length === 0 && (!this.socket || this.socket.writableLength === 0)) resolve();
        else this.waiters.push(check);
      };
      check();
    });
  }

  private notify(): void {
    this.waiters.splice(0).forEach((w) => w());
  }

  private pump(): void {
    if (!this.socket) {
      if (!this.reconnectTimer) this.connect();
      return;
    }
    if (!this.connected) return;
    while (this.queue.length > 0) {
      const frame = this.queue.shift()!;
      // Written frames are the kernel's now; the write callback tells when they left our buffer.
      if (!this.socket.write(frame, () => this.notify())) break;
    }
  }

  private connect(): void {
    if (this.socket) return;
    const { host, port, connectTimeoutMs } = this.opts;
    const socket = this.opts.tls
      ? tls.connect({ ...this.opts.tls, host, port })
      : net.connect({ host, port });
    this.socket = socket;
    this.connected = false;
    socket.setTimeout(connectTimeoutMs, () => socket.destroy(new Error(`no connection within ${connectTimeoutMs} ms`)));
    socket.once(this.opts.tls ? 'secureConnect' : 'connect', () => {
      socket.setTimeout(0);
      this.connected = true;
      this.backoffMs = this.opts.reconnectMinMs;
      if (this.outage) this.opts.logger.info({ host, port }, 'syslog server reachable again');
      this.outage = false;
      this.pump();
    });
    socket.on('drain', () => { this.pump(); this.notify(); });
    socket.on('error', (err) => {
      if (!this.outage) this.opts.logger.warn({ host, port, err: { message: err.message } }, 'syslog server unreachable; queueing events and retrying');
      this.outage = true;
    });
    // The server may close idle connections; we reconnect only while there is something to send.
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.connected = false;
      if (this.queue.length > 0) this.scheduleReconnect();
      this.notify();
    });
    socket.on('data', () => undefined); // syslog servers do not talk back; never let data pile up
    socket.unref();
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.opts.reconnectMaxMs);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect();
    }, delay);
    this.reconnectTimer.unref();
  }

  private async close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    this.connected = false;
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => { socket.destroy(); resolve(); }, 1000);
      socket.once('close', () => { clearTimeout(timer); resolve(); });
      socket.end();
    });
  }
}
