import * as dgram from 'node:dgram';
import * as net from 'node:net';
import type { Logger } from '../../src/plugin';
import type { SyslogSender } from './syslog-sender';

/**
 * Syslog over UDP (RFC 5426): one datagram per message. UDP gives no delivery feedback, so only
 * local send errors and an overfull send buffer count as drops.
 */
export class UdpSyslogSender implements SyslogSender {
  private socket: dgram.Socket | undefined;
  private inFlight = 0;
  private droppedCount = 0;
  private idle: (() => void)[] = [];
  /** Bumped when flush gives up on a socket, so late callbacks from it are not counted twice. */
  private generation = 0;

  constructor(private readonly host: string, private readonly port: number, private readonly maxQueue: number, private readonly logger: Logger) {}

  send(message: string): void {
    if (this.inFlight >= this.maxQueue) {
      this.droppedCount++;
      return;
    }
    if (!this.socket) {
      this.socket = dgram.createSocket(net.isIPv6(this.host) ? 'udp6' : 'udp4');
      this.socket.on('error', (err) => this.logger.warn({ err: { message: err.message } }, 'syslog UDP socket error'));
      this.socket.unref();
    }
    this.inFlight++;
    const generation = this.generation;
    this.socket.send(Buffer.from(message, 'utf8'), this.port, this.host, (err) => {
      if (generation !== this.generation) return;
      this.inFlight--;
      if (err) {
        this.droppedCount++;
        this.logger.debug({ err: { message: err.message } }, 'syslog UDP send failed');
      }
      if (this.inFlight === 0) this.idle.splice(0).forEach((f) => f());
    });
  }

  async flush(timeoutMs: number): Promise<number> {
    if (this.inFlight > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.idle.push(resolve)),
        new Promise<void>((resolve) => { timer = setTimeout(resolve, timeoutMs); }),
      ]);
      clearTimeout(timer);
      this.droppedCount += this.inFlight;
    }
    const socket = this.socket;
    this.socket = undefined;
    this.inFlight = 0;
    this.generation++;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
    return this.droppedCount;
  }

  dropped(): number {
    return this.droppedCount;
  }
}
