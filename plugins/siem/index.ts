import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type * as tls from 'node:tls';
import { declareNotifier, type Logger } from '../../src/plugin';
import { JsonlWriter } from './jsonl-writer';
import { siemOptionsSchema, type SiemOptions, type SyslogOptions } from './options';
import { SiemNotifier, type SiemOutputs } from './siem-notifier';
import { StreamSyslogSender } from './stream-syslog-sender';
import type { SyslogSender } from './syslog-sender';
import { UdpSyslogSender } from './udp-syslog-sender';

export type { SiemOptions, SyslogOptions } from './options';
export { SiemNotifier } from './siem-notifier';

function tlsOptions(s: SyslogOptions, configDir: string): tls.ConnectionOptions {
  const read = (file?: string): Buffer | undefined => (file ? fs.readFileSync(path.resolve(configDir, file)) : undefined);
  return {
    ca: read(s.tls.caFile), cert: read(s.tls.certFile), key: read(s.tls.keyFile),
    rejectUnauthorized: s.tls.rejectUnauthorized,
    // tls checks the certificate against servername or, failing that, the host we dial. SNI
    // must not carry an IP address (RFC 6066), so a dialled address is left to the host check.
    servername: s.tls.servername ?? (net.isIP(s.host) ? undefined : s.host),
  };
}

function syslogSender(s: SyslogOptions, configDir: string, logger: Logger): SyslogSender {
  if (s.protocol === 'udp') return new UdpSyslogSender(s.host, s.port, s.maxQueue, logger);
  return new StreamSyslogSender({
    host: s.host, port: s.port, tls: s.protocol === 'tls' ? tlsOptions(s, configDir) : undefined,
    maxQueue: s.maxQueue, connectTimeoutMs: s.connectTimeoutMs, reconnectMinMs: s.reconnectMinMs,
    reconnectMaxMs: s.reconnectMaxMs, logger,
  });
}

/** The built-in `siem` notifier (see docs/siem.md). */
export const plugins = [
  declareNotifier<SiemOptions>({
    name: 'siem',
    version: '1.0.0',
    apiVersion: '^1.0.0',
    optionsSchema: siemOptionsSchema as unknown as Record<string, unknown>,
    create({ options, logger, configDir }) {
      const outputs: SiemOutputs = {};
      if (options.jsonl) outputs.jsonl = new JsonlWriter(path.resolve(configDir, options.jsonl.dir));
      if (options.syslog) outputs.syslog = syslogSender(options.syslog, configDir, logger);
      return new SiemNotifier(options, outputs, logger);
    },
  }),
];
