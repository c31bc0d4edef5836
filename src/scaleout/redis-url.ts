import type { RedisOptions } from 'ioredis';
import { UsageError } from '../errors/usage-error';

/** Where the queue lives, as parsed from `--queue` / `global.queue` (never logged with its password). */
export interface QueueAddress {
  host: string;
  port: number;
  db: number;
  tls: boolean;
  username?: string;
  password?: string;
  /** The address without credentials, for logs, errors and `robocurse workers`. */
  display: string;
}

/** The environment variable that carries the Redis password, so it never appears in argv or a config file. */
export const REDIS_PASSWORD_ENV = 'ROBOCURSE_REDIS_PASSWORD';

/**
 * Parses `redis://[user[:password]@]HOST[:PORT][/DB]` or `rediss://…` (TLS). `what` names the
 * flag or config key in errors. The password may also come from ROBOCURSE_REDIS_PASSWORD (argv is
 * readable by every user of the host; the environment is not).
 */
export function parseQueueUrl(raw: string, what: string, env: NodeJS.ProcessEnv = process.env): QueueAddress {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) throw new UsageError(`${what}: the Redis URL contains a control character`);
  let u: URL;
  try { u = new URL(raw); } catch { throw new UsageError(`${what}: expected redis://HOST:PORT[/DB] or rediss://HOST:PORT[/DB], got '${raw.replace(/\/\/[^/]*@/, '//***@')}'`); }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new UsageError(`${what}: expected a redis:// or rediss:// URL, got '${u.protocol}' (${redact(u)})`);
  }
  if (!u.hostname) throw new UsageError(`${what}: the Redis URL names no host`);
  if (u.search || u.hash) throw new UsageError(`${what}: the Redis URL may not carry ?query or #fragment parts (${redact(u)})`);
  const port = u.port === '' ? 6379 : Number(u.port);
  const dbText = u.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d{1,5}$/.test(dbText)) throw new UsageError(`${what}: the database must be a number (redis://HOST:PORT/DB), got '/${dbText}'`);
  const db = dbText === '' ? 0 : Number(dbText);
  const password = u.password ? decodeURIComponent(u.password) : env[REDIS_PASSWORD_ENV] || undefined;
  const username = u.username ? decodeURIComponent(u.username) : undefined;
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port, db, tls: u.protocol === 'rediss:', username, password, display: redact(u) };
}

function redact(u: URL): string {
  return `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname && u.pathname !== '/' ? u.pathname : ''}`;
}

/**
 * ioredis options for BullMQ: `maxRetriesPerRequest: null` (BullMQ's blocking commands must wait
 * through a reconnect instead of failing), keep-alive so a dead peer is noticed, and a reconnect
 * back-off capped at 2 s so a restarted Redis is found again quickly.
 */
export function redisOptions(a: QueueAddress): RedisOptions {
  return {
    host: a.host, port: a.port, db: a.db, username: a.username, password: a.password,
    ...(a.tls ? { tls: { servername: a.host } } : {}),
    maxRetriesPerRequest: null,
    keepAlive: 10_000,
    retryStrategy: (times: number) => Math.min(200 * times, 2000),
  };
}

/**
 * Connects once, without BullMQ's retry-forever settings, and checks the server is fit for a
 * queue: reachable, and `maxmemory-policy noeviction` (an evicted lock key lets a chunk run on
 * two hosts at once). Throws a sentence naming the address; resolves with a warning or undefined.
 */
export async function probeRedis(a: QueueAddress): Promise<string | undefined> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Redis } = require('ioredis') as typeof import('ioredis');
  const r = new Redis({ ...redisOptions(a), lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 5000, enableOfflineQueue: false });
  // The connection's own error says why (NOAUTH, ECONNREFUSED); the failed command only that it closed.
  let cause: Error | undefined;
  r.on('error', (e: Error) => { cause ??= e; });
  try {
    await r.connect();
    await r.ping();
  } catch (err) {
    r.disconnect();
    const why = cause && cause.message !== (err as Error).message ? `${cause.message} (${(err as Error).message})` : (err as Error).message;
    throw new Error(`cannot reach the queue at ${a.display}: ${why}`);
  }
  try {
    const policy = await r.config('GET', 'maxmemory-policy').catch(() => undefined) as string[] | undefined;
    if (policy && policy[1] && policy[1] !== 'noeviction') {
      return `Redis at ${a.display} has maxmemory-policy ${policy[1]}: set it to noeviction, or an evicted lock can let a chunk be copied twice at once (docs/scale-out.md)`;
    }
    return undefined;
  } finally {
    r.disconnect();
  }
}
