import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { Logger } from '../api';
import { allowedHosts } from './bind-policy';
import { registerControlRoutes } from './control-routes';
import type { DashboardData } from './dashboard-data';
import { registerReadRoutes } from './read-routes';
import { installSecurity, sendError } from './security';
import { DEFAULT_STREAM_LIMITS, type StreamClientStats, type StreamLimits } from './sse-client';
import { registerStaticFiles, staticFiles } from './static-files';
import { StreamHub } from './stream-hub';
import { newToken } from './token';

export interface DashboardServerOptions {
  data: DashboardData;
  host: string;
  /** 0 = any free port. */
  port: number;
  token?: string;
  tls?: { cert: Buffer; key: Buffer };
  /** Extra Host names to answer to (a reverse proxy's or tunnel's name). */
  allowHosts?: string[];
  limits?: Partial<StreamLimits>;
  version: string;
  logger?: Logger;
}

export interface DashboardServer {
  readonly app: FastifyInstance;
  readonly token: string;
  /** Starts listening; resolves with the URL to open (token in the fragment, never sent to a server). */
  listen(): Promise<string>;
  /** The port bound (the configured one before listen). */
  port(): number;
  /** Cuts every open stream; tabs reconnect with their Last-Event-ID. */
  disconnectStreams(): void;
  streamStats(): StreamClientStats[];
  close(): Promise<void>;
}

function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** Builds the dashboard's HTTP server: security hooks, static page, read API, stream, controls. */
export function createDashboardServer(o: DashboardServerOptions): DashboardServer {
  const token = o.token ?? newToken();
  const tls = o.tls !== undefined;
  let port = o.port;
  let hosts = allowedHosts(o.host, port, tls, o.allowHosts ?? []);
  const app = Fastify({
    logger: false,
    bodyLimit: 16 * 1024,
    ...(o.tls ? { https: { cert: o.tls.cert, key: o.tls.key } } : {}),
  } as Parameters<typeof Fastify>[0]) as unknown as FastifyInstance;
  // Commands are JSON only; a text/plain body (a CORS-"simple" request) is never even parsed.
  app.removeContentTypeParser('text/plain');
  installSecurity(app, { token, tls, allowedHosts: () => hosts });
  app.setNotFoundHandler((req, reply) => sendError(reply, 404, 'DASHBOARD_NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`));
  app.setErrorHandler((err: FastifyError, _req, reply) => {
    if (err.validation || (err.statusCode !== undefined && err.statusCode < 500)) {
      return sendError(reply, err.statusCode ?? 400, err.code ?? 'DASHBOARD_BAD_REQUEST', err.message);
    }
    o.logger?.error({ err }, 'dashboard request failed');
    return sendError(reply, 500, 'DASHBOARD_INTERNAL', 'internal error; see the robocurse log');
  });
  const limits = { ...DEFAULT_STREAM_LIMITS, ...o.limits };
  const hub = new StreamHub(o.data, limits);
  registerStaticFiles(app, staticFiles());
  registerReadRoutes(app, o.data, hub, o.version);
  if (o.data.commands) registerControlRoutes(app, o.data, o.data.commands);

  return {
    app,
    token,
    port: () => port,
    async listen(): Promise<string> {
      await app.listen({ host: o.host, port: o.port });
      port = (app.server.address() as AddressInfo).port;
      hosts = allowedHosts(o.host, port, tls, o.allowHosts ?? []);
      return `${tls ? 'https' : 'http'}://${urlHost(o.host)}:${port}/#t=${token}`;
    },
    disconnectStreams: () => hub.disconnectAll(),
    streamStats: () => hub.stats(),
    async close(): Promise<void> {
      hub.close();
      await app.close();
    },
  };
}
