import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnTracked, type TrackedChild } from '../../src/process/tracked-child';

/** A real rsyslogd listening on 127.0.0.1, writing every raw message it gets as one line. */
export interface TestRsyslog {
  udpPort: number;
  tcpPort: number;
  dir: string;
  /** Raw messages received so far (readiness probes left out). */
  messages(): string[];
  /** Waits until `count` messages arrived (or rejects with what did after `timeoutMs`). */
  waitForMessages(count: number, timeoutMs?: number): Promise<string[]>;
  stop(): Promise<void>;
}

const CANDIDATES = ['/usr/sbin/rsyslogd', '/usr/bin/rsyslogd', '/sbin/rsyslogd'];
const PROBE = 'robocurse-test-probe';

function rsyslogdPath(): string {
  const found = [...CANDIDATES, ...(process.env.PATH ?? '').split(path.delimiter).map((d) => path.join(d, 'rsyslogd'))]
    .find((p) => fs.existsSync(p));
  // Not a skip: the SIEM integration is only proven against a real syslog server.
  if (!found) throw new Error('rsyslogd is not installed: install the rsyslog package (apt-get install rsyslog) to run the SIEM integration tests');
  return found;
}

/** A port that was free a moment ago (the kernel's pick), for TCP or UDP. */
export async function freePort(kind: 'tcp' | 'udp' = 'tcp'): Promise<number> {
  if (kind === 'udp') {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
    const { port } = s.address();
    await new Promise<void>((resolve) => s.close(() => resolve()));
    return port;
  }
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function tcpAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

function config(dir: string, udpPort: number, tcpPort: number, out: string): string {
  // maxMessageSize first: it must be set before the inputs load. rawmsg is the message exactly
  // as received (for TCP, without the octet-count frame), so the test checks our formatting.
  return `global(workDirectory="${dir}" maxMessageSize="64k")
module(load="imudp")
module(load="imtcp")
template(name="raw" type="string" string="%rawmsg%\\n")
ruleset(name="toFile") {
  action(type="omfile" file="${out}" template="raw")
}
input(type="imudp" address="127.0.0.1" port="${udpPort}" ruleset="toFile")
input(type="imtcp" address="127.0.0.1" port="${tcpPort}" ruleset="toFile")
`;
}

/** Starts rsyslogd in the foreground with a config of its own; resolves once both ports work. */
export async function startRsyslog(): Promise<TestRsyslog> {
  const bin = rsyslogdPath();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'robocurse-rsyslog-'));
  const [udpPort, tcpPort] = [await freePort('udp'), await freePort('tcp')];
  const out = path.join(dir, 'messages.log');
  const conf = path.join(dir, 'rsyslog.conf');
  fs.writeFileSync(conf, config(dir, udpPort, tcpPort, out));
  const proc: TrackedChild = spawnTracked(bin, ['-n', '-f', conf, '-i', path.join(dir, 'rsyslogd.pid')]);
  let stderr = '';
  proc.child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  proc.child.stdout?.on('data', (d: Buffer) => { stderr += d.toString(); });
  let exited = false;
  void proc.exited.then(() => { exited = true; });

  const read = (): string[] => (fs.existsSync(out) ? fs.readFileSync(out, 'utf8').split('\n').filter((l) => l.length > 0) : []);
  const stop = async (): Promise<void> => {
    await proc.killTree(3000);
    fs.rmSync(dir, { recursive: true, force: true });
  };

  // Ready when TCP accepts and a UDP probe has reached the output file.
  const probe = dgram.createSocket('udp4');
  const deadline = Date.now() + 15000;
  try {
    while (!(await tcpAccepts(tcpPort))) {
      if (exited || Date.now() > deadline) throw new Error(`rsyslogd did not start listening on TCP ${tcpPort}`);
      await sleep(100);
    }
    for (let i = 0; !read().some((l) => l.includes(PROBE)); i++) {
      if (exited || Date.now() > deadline) throw new Error(`rsyslogd did not write UDP probes to ${out}`);
      probe.send(`<14>1 - - probe - - - ${PROBE} ${i}`, udpPort, '127.0.0.1');
      await sleep(100);
    }
  } catch (err) {
    await stop().catch(() => undefined);
    throw new Error(`${(err as Error).message}; rsyslogd output:\n${stderr}`);
  } finally {
    probe.close();
  }

  const messages = (): string[] => read().filter((l) => !l.includes(PROBE));
  return {
    udpPort, tcpPort, dir, messages, stop,
    async waitForMessages(count: number, timeoutMs = 10000): Promise<string[]> {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const got = messages();
        if (got.length >= count) return got;
        if (Date.now() > until) throw new Error(`expected ${count} syslog messages, got ${got.length}:\n${got.join('\n')}`);
        await sleep(50);
      }
    },
  };
}

/** A Node syslog receiver for octet-counted frames (RFC 6587) over TCP or TLS (RFC 5425). */
export interface FramedSyslogReceiver {
  port: number;
  messages: string[];
  /** Connections accepted so far (reconnects show up here). */
  connections: number;
  waitForMessages(count: number, timeoutMs?: number): Promise<string[]>;
  stop(): Promise<void>;
}

/** Splits octet-counted frames out of a byte stream; returns the unparsed rest. */
export function parseOctetFrames(buf: Buffer, out: string[]): Buffer {
  let rest = buf;
  for (;;) {
    const space = rest.indexOf(0x20);
    if (space < 0) return rest;
    const len = Number(rest.subarray(0, space).toString('ascii'));
    if (!Number.isInteger(len) || len <= 0) throw new Error(`bad syslog frame header: ${JSON.stringify(rest.subarray(0, space + 1).toString())}`);
    if (rest.length < space + 1 + len) return rest;
    out.push(rest.subarray(space + 1, space + 1 + len).toString('utf8'));
    rest = rest.subarray(space + 1 + len);
  }
}

/** Listens on 127.0.0.1 (a given port, or a free one) for framed syslog, plain or TLS. */
export async function startFramedSyslogReceiver(opts: { tls?: { cert: Buffer; key: Buffer }; port?: number } = {}): Promise<FramedSyslogReceiver> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tlsMod = require('node:tls') as typeof import('node:tls');
  const messages: string[] = [];
  const sockets = new Set<net.Socket>();
  const state = { connections: 0 };
  const onSocket = (socket: net.Socket): void => {
    state.connections++;
    sockets.add(socket);
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (d: Buffer) => { pending = parseOctetFrames(Buffer.concat([pending, d]), messages); });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  };
  const server = opts.tls
    ? tlsMod.createServer({ cert: opts.tls.cert, key: opts.tls.key }, onSocket)
    : net.createServer(onSocket);
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port, messages,
    get connections() { return state.connections; },
    async waitForMessages(count: number, timeoutMs = 10000): Promise<string[]> {
      const until = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > until) throw new Error(`expected ${count} syslog messages, got ${messages.length}`);
        await sleep(20);
      }
      return messages;
    },
    async stop(): Promise<void> {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The JSON record carried as MSG of one of our RFC 5424 messages. */
export function syslogJson(message: string): Record<string, unknown> {
  const start = message.indexOf('] {');
  if (start < 0) throw new Error(`no JSON message in: ${message}`);
  return JSON.parse(message.slice(start + 2)) as Record<string, unknown>;
}
