import { FACILITIES, type Facility } from './options';

export interface SyslogHeader {
  facility: Facility;
  /** RFC 5424 severity number (0 emergency .. 7 debug). */
  severity: number;
  /** RFC 3339 timestamp with offset. */
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
}

export interface StructuredData {
  id: string;
  params: [string, unknown][];
}

const NIL = '-';
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;

/** Header fields allow printable US-ASCII only (33..126), each with a maximum length. */
function headerField(value: string, max: number): string {
  const clean = value.replace(/[^!-~]/g, '_').slice(0, max);
  return clean || NIL;
}

/** SD-NAME: printable US-ASCII except '=', ' ', ']' and '"', at most 32 characters. */
export function sdName(name: string): string {
  return name.replace(/[^!-~]|[=\]"]/g, '_').slice(0, 32) || '_';
}

/**
 * PARAM-VALUE escaping (RFC 5424 section 6.3.3): '"', '\' and ']' are backslash-escaped. Line
 * breaks are folded to spaces: they are legal here but break line-oriented collectors, and the
 * exact value is in the JSON message anyway.
 */
export function escapeParamValue(value: string): string {
  return value.replace(/[\\"\]]/g, (c) => `\\${c}`).replace(/\r\n|[\r\n]/g, ' ');
}

function paramValue(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined; // arrays and objects travel in the JSON message only
}

/** RFC 3339 timestamp with at most 6 fraction digits (RFC 5424 section 6.2.3). */
function syslogTimestamp(ts: string): string {
  if (RFC3339.test(ts)) return ts;
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? NIL : d.toISOString();
}

/** `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD-ID name="value" ...] MSG`. */
export function formatRfc5424(h: SyslogHeader, sd: StructuredData, msg: string): string {
  const pri = FACILITIES.indexOf(h.facility) * 8 + h.severity;
  const params = sd.params
    .map(([k, v]) => [k, paramValue(v)] as const)
    .filter((p): p is readonly [string, string] => p[1] !== undefined)
    .map(([k, v]) => ` ${sdName(k)}="${escapeParamValue(v)}"`).join('');
  return `<${pri}>1 ${syslogTimestamp(h.timestamp)} ${headerField(h.hostname, 255)} ${headerField(h.appName, 48)} `
    + `${headerField(h.procId, 128)} ${headerField(h.msgId, 32)} [${sdName(sd.id)}${params}] ${msg}`;
}

/** RFC 6587 octet counting: `<byte length> <message>`, for TCP and TLS. */
export function octetCounted(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}
