/** Syslog facility names (RFC 5424 section 6.2.1), in code order. */
export const FACILITIES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp',
  'ntp', 'audit', 'alert', 'clock', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
] as const;
export type Facility = typeof FACILITIES[number];

export interface SyslogTlsOptions {
  /** PEM file of the CA (or the server's self-signed cert) to trust; relative to the config. */
  caFile?: string;
  /** Client certificate and key for mutual TLS. */
  certFile?: string;
  keyFile?: string;
  /** Default true. Turning it off gives up knowing who receives the events. */
  rejectUnauthorized: boolean;
  /** Name to check the server certificate against, when `host` is an address. */
  servername?: string;
}

export interface SyslogOptions {
  host: string;
  port: number;
  protocol: 'udp' | 'tcp' | 'tls';
  facility: Facility;
  appName: string;
  /** HOSTNAME field; default: this machine's name. */
  hostname?: string;
  /** MSGID field; default: the event type (e.g. ChunkComplete). */
  msgId?: string;
  /** SD-ID of the structured data element. */
  sdId: string;
  tls: SyslogTlsOptions;
  /** Messages held while the server is unreachable; the oldest are dropped beyond it. */
  maxQueue: number;
  connectTimeoutMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
}

export interface SiemOptions {
  jsonl?: { dir: string };
  syslog?: SyslogOptions;
  /** native: flat camelCase records; ecs: Elastic Common Schema field names. */
  fieldNames: 'native' | 'ecs';
  /** Replace paths in event data by a salted hash or by '<redacted>'. */
  redactPaths: 'none' | 'hash' | 'redact';
  redactSalt: string;
  /** How long flush() waits for a syslog server to take what is queued. */
  flushTimeoutMs: number;
}

const singleLine = { type: 'string', pattern: '^[^\\r\\n]*$', 'x-message': 'expected a single line of text (no CR/LF)' };
const printable = (max: number): Record<string, unknown> => ({
  type: 'string', minLength: 1, maxLength: max, pattern: '^[!-~]+$',
  'x-message': `expected 1 to ${max} printable ASCII characters without spaces`,
});

/** JSON Schema (draft-07) of the siem plugin's options. */
export const siemOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    jsonl: {
      type: 'object', additionalProperties: false, required: ['dir'],
      properties: { dir: { ...singleLine, minLength: 1 } },
    },
    syslog: {
      type: 'object', additionalProperties: false, required: ['host', 'port'],
      properties: {
        host: { ...singleLine, minLength: 1 },
        port: { type: 'integer', minimum: 1, maximum: 65535 },
        protocol: { enum: ['udp', 'tcp', 'tls'], default: 'udp' },
        facility: { enum: [...FACILITIES], default: 'user' },
        appName: { ...printable(48), default: 'robocurse' },
        hostname: printable(255),
        msgId: printable(32),
        sdId: { type: 'string', pattern: '^[!#-<>-\\\\^-~]{1,32}$', default: 'robocurse@32473', 'x-message': 'expected an SD-ID: 1 to 32 printable ASCII characters except \'=\', \']\', \'"\' and space, e.g. name@12345' },
        tls: {
          type: 'object', additionalProperties: false, default: {},
          properties: {
            caFile: { ...singleLine, minLength: 1 },
            certFile: { ...singleLine, minLength: 1 },
            keyFile: { ...singleLine, minLength: 1 },
            rejectUnauthorized: { type: 'boolean', default: true },
            servername: { ...singleLine, minLength: 1 },
          },
        },
        maxQueue: { type: 'integer', minimum: 1, default: 10000 },
        connectTimeoutMs: { type: 'integer', minimum: 1, default: 5000 },
        reconnectMinMs: { type: 'integer', minimum: 1, default: 250 },
        reconnectMaxMs: { type: 'integer', minimum: 1, default: 30000 },
      },
    },
    fieldNames: { enum: ['native', 'ecs'], default: 'native' },
    redactPaths: { enum: ['none', 'hash', 'redact'], default: 'none' },
    redactSalt: { type: 'string', default: '' },
    flushTimeoutMs: { type: 'integer', minimum: 0, default: 3000 },
  },
  anyOf: [
    { required: ['jsonl'], 'x-message': "needs at least one output: 'jsonl' and/or 'syslog'" },
    { required: ['syslog'], 'x-message': "needs at least one output: 'jsonl' and/or 'syslog'" },
  ],
} as const;
