import * as net from 'node:net';
import * as os from 'node:os';
import { RobocurseError } from '../api/errors';
import { traitsOf } from '../errors/catalogue';

/** A bind the dashboard refuses to make (exit 2: nothing was started). */
export class BindRefusedError extends RobocurseError {
  constructor(message: string) { super('BIND_REFUSED', message, traitsOf('BIND_REFUSED')); }
}

export interface BindRequest {
  host: string;
  tls: boolean;
  unsafeNoTls: boolean;
}

/** 127.0.0.0/8, ::1 and the name localhost: addresses no other machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  if (h.startsWith('::ffff:')) return isLoopback(h.slice(7));
  return false;
}

/**
 * Loopback needs nothing more. Any other address carries the token and the controls across a
 * network: only with TLS, or when the operator said --unsafe-no-tls (then with a warning).
 * Returns the warning to print, if any; throws BindRefusedError otherwise.
 */
export function checkBind(b: BindRequest): string | undefined {
  if (isLoopback(b.host)) return undefined;
  if (b.tls) return undefined;
  if (b.unsafeNoTls) {
    return `WARNING: the dashboard listens on ${b.host} without TLS (--unsafe-no-tls): its token and every command cross the network in clear text. Prefer an SSH tunnel to 127.0.0.1.`;
  }
  throw new BindRefusedError(
    `--host ${b.host}: not a loopback address; the dashboard listens elsewhere only with TLS (--tls-cert and --tls-key) ` +
    'or with --unsafe-no-tls. To reach it from another machine, prefer an SSH tunnel to 127.0.0.1 (see docs/dashboard.md).');
}

/** `host:port` as a browser writes it in the Host header (IPv6 in brackets). */
function hostPort(host: string, port: number): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${h}:${port}`.toLowerCase();
}

/** `name:port` or `[v6]:port`, as opposed to a bare name or IPv6 address. */
function hasPort(n: string): boolean {
  if (n.startsWith('[')) return /\]:\d+$/.test(n);
  return (n.match(/:/g) ?? []).length === 1 && /:\d+$/.test(n);
}

/**
 * The Host header values the server answers to (DNS rebinding defence): the loopback names for
 * a loopback bind, else the bound address; plus names the operator allowed (a tunnel or proxy
 * name). Without a port when it is the scheme's default, since browsers then leave it out.
 */
export function allowedHosts(bindHost: string, port: number, tls: boolean, extra: readonly string[]): Set<string> {
  const loopback = ['127.0.0.1', 'localhost', '[::1]'];
  const wildcard = bindHost === '0.0.0.0' || bindHost === '::' || bindHost === '[::]';
  // A wildcard bind is reached by any address of this machine, or by its name.
  const names = isLoopback(bindHost) ? loopback : wildcard ? [...loopback, ...localAddresses(), os.hostname()] : [bindHost, os.hostname()];
  for (const e of extra) names.push(e);
  const out = new Set<string>();
  for (const n of names) {
    if (hasPort(n)) { out.add(n.toLowerCase()); continue; }
    out.add(hostPort(n, port));
    if (port === (tls ? 443 : 80)) out.add(hostPort(n, port).replace(/:\d+$/, ''));
  }
  return out;
}

/** Every address of this machine's interfaces. */
function localAddresses(): string[] {
  return Object.values(os.networkInterfaces()).flat().filter((i) => i !== undefined).map((i) => i.address);
}
